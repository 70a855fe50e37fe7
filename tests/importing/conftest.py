"""The real published forms (shared/real-forms beside the repository) and their expected figures."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def real_forms_dir() -> Path | None:
    """``shared/real-forms`` in the repository's folder or one above it (a worktree's)."""
    for folder in (ROOT, *ROOT.parents):
        candidate = folder / "shared" / "real-forms"
        if (candidate / "expected.tsv").is_file():
            return candidate
    return None


@dataclass(frozen=True)
class Expected:
    path: Path
    project: str
    year: int
    annual_fiscal: Decimal | None
    annual_total: Decimal | None
    period_total: Decimal | None
    rows: int
    complete: bool

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def id(self) -> str:
        return self.path.name[:2]


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def expected_forms(folder: Path | None = None) -> list[Expected]:
    """The forms listed in ``folder``'s expected.tsv (by default shared/real-forms)."""
    folder = folder if folder is not None else real_forms_dir()
    if folder is None:
        return []
    with (folder / "expected.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Expected(
            folder / row["file"],
            row["project"],
            int(row["year"]),
            _amount(row["annual_fiscal_wan"]),
            _amount(row["annual_total_wan"]),
            _amount(row["period_total_wan"]),
            int(row["indicator_rows"]),
            row["complete"] == "yes",
        )
        for row in rows
    ]


REAL_FORMS = expected_forms()

#: Other real forms of the same families, kept with the tests (the held-out acceptance set).
MORE_REAL_FORMS_DIR = ROOT / "tests" / "fixtures" / "more-real-forms"
MORE_REAL_FORMS = expected_forms(MORE_REAL_FORMS_DIR)


def real_form_params():
    if not REAL_FORMS:
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared/real-forms not found beside the repository"))]
    return [pytest.param(form, id=form.id) for form in REAL_FORMS]
