"""Fixtures for the storage tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path whose folder does not exist yet (first write creates it)."""
    return tmp_path / "data" / "perftui.json"
