"""TUI fixtures: databases with the seed forms, an incomplete form, and apps on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from perftui.config import Settings
from perftui.services.repository import Repository

from .helpers import INCOMPLETE




@pytest.fixture
def seeded_db(db_path, seed_forms) -> Path:
    Repository.open(db_path).import_forms(seed_forms)
    return db_path


@pytest.fixture
def with_incomplete(seeded_db) -> Path:
    Repository.open(seeded_db).save(INCOMPLETE)
    return seeded_db


@pytest.fixture
def make_app():
    """``make_app(db_path, **options)``: the app without the operator's config, polling fast."""
    from perftui.tui.app import PerftuiApp

    def make(db_path: Path, **options) -> PerftuiApp:
        options.setdefault("settings", Settings())
        options.setdefault("poll_interval", 0.1)
        return PerftuiApp(db_path, **options)

    return make
