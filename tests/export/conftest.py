"""Fixtures for the export tests: the seed forms with fixed ids, and golden files.

Golden files hold what each format looks like for the eight seed forms. When
a change to the output is intended, regenerate them and read the diff:

    PERFTUI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/export
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"




@pytest.fixture
def sample_forms(seed_forms):
    """The seed forms as a database would hold them, with ids and stamps fixed for goldens."""
    return [
        form.evolve(
            id=f"{number:012x}",
            revision=number,
            updated_at="2024-01-15T09:30:00+08:00",
            updated_by="tester@server",
        )
        for number, form in enumerate(seed_forms, start=1)
    ]


@pytest.fixture
def golden():
    """``golden(name, data)``: compare with tests/export/golden/<name>, or rewrite it."""

    def check(name: str, data: str | bytes) -> None:
        path = GOLDEN / name
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if os.environ.get("PERFTUI_UPDATE_GOLDEN"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
            return
        assert path.exists(), f"no golden file {path}; run with PERFTUI_UPDATE_GOLDEN=1 to create it"
        expected = path.read_bytes()
        if raw != expected:
            # Compare as text so pytest shows a readable diff.
            assert raw.decode("utf-8") == expected.decode("utf-8"), f"{name} differs from its golden file"

    return check
