"""Fixtures for the storage tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path whose folder does not exist yet (first write creates it)."""
    return tmp_path / "data" / "perftui.json"


@pytest.fixture(params=["json", "json-released", "postgresql"])
def backend(request, tmp_path: Path):
    """A fresh database in each backend (JSON file, PostgreSQL): the storage contract runs on both."""
    from tests.store_backends import make_backend

    return make_backend(request, request.param, tmp_path)
