"""Deterministic synthetic databases shaped like the seed forms.

Field lengths, indicator counts (6-12 per form), years and units follow the
eight real forms, so timings on these files say something about real ones.
The same ``(forms, seed)`` always gives the same bytes.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from perftui.config import APP
from perftui.demo import SEED
from perftui.importing.text import read_file
from perftui.core.model import Form, Funding, Indicator
from storage import fileformat

YEARS = (2020, 2021, 2022, 2023, 2024)
UNITS = tuple(f"{district}{kind}" for district in ("高新区", "甘井子区", "沙河口区", "中山区") for kind in ("科技局", "财政局", "研究院", "服务中心", "管委会"))


def synthetic_forms(count: int, seed: int = 2024) -> list[Form]:
    rng = random.Random(seed)
    templates = read_file(SEED)
    rows = [row for form in templates for row in form.indicators]
    goals = [form.annual_goal for form in templates]
    forms = []
    for number in range(count):
        template = templates[number % len(templates)]
        year = YEARS[number % len(YEARS)]
        unit = UNITS[rng.randrange(len(UNITS))]
        fiscal = Decimal(rng.randrange(100, 2_000_000)) / 100
        other = Decimal(rng.randrange(0, 50_000)) / 100 if rng.random() < 0.3 else None
        funding = Funding(fiscal + (other or 0), fiscal, other)
        indicators = tuple(
            Indicator(row.level1, row.level2, row.name, row.value)
            for row in rng.sample(rows, rng.randint(6, 12))
        )
        indicators = tuple(sorted(indicators, key=lambda r: ("产出指标", "效益指标", "满意度指标").index(r.level1)))
        forms.append(
            Form(
                id=f"{number:012x}",
                revision=1,
                year=year,
                name=f"{template.name}（{number:05d}）",
                period_text=f"{year}年1月至{year}年12月",
                department=unit,
                unit=unit,
                period_funding=funding,
                annual_funding=funding,
                period_goal=goals[rng.randrange(len(goals))],
                annual_goal=goals[rng.randrange(len(goals))],
                indicators=indicators,
                layout=template.layout,
                updated_at=f"{year - 1}-11-{1 + number % 28:02d}T09:00:00+08:00",
                updated_by="bench",
            )
        )
    return forms


def write_db(path: Path, count: int, seed: int = 2024) -> Path:
    """A valid perftui database file with ``count`` synthetic forms and their import history."""
    return write_forms(path, synthetic_forms(count, seed))


def write_forms(path: Path, forms: list[Form]) -> Path:
    """A valid perftui database file holding ``forms`` and their import history, byte for byte the same each time.

    Each form has the history entry an import writes (a creation records no
    fields: see Repository._record).
    """
    data = {
        fileformat.META_TABLE: fileformat.meta_table(APP),
        "forms": {str(i + 1): form.to_doc() for i, form in enumerate(forms)},
        "history": {
            str(i + 1): {
                "id": f"h{i:011x}",
                "form_id": form.id,
                "form_name": form.name,
                "action": "import",
                "at": form.updated_at,
                "by": "bench",
                "client": "",
                "revision": 1,
                "changes": [],
            }
            for i, form in enumerate(forms)
        },
    }
    path.write_bytes(fileformat.encode(data))
    path.chmod(0o600)
    return path
