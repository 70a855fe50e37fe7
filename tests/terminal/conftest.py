"""Real terminals for perftui: tmux sessions (skipped where tmux is not installed)."""

from __future__ import annotations

import pytest

from perftui.services.repository import Repository

from .tmux import TMUX, Session, perftui_env


@pytest.fixture
def seeded_db(db_path, seed_forms):
    Repository.open(db_path).import_forms(seed_forms)
    return db_path


@pytest.fixture
def terminal(tmp_path):
    """``terminal(*argv, width=80, height=24, **env)``: perftui in a tmux session; killed at the end."""
    if TMUX is None:
        pytest.skip("tmux is not installed")
    sessions: list[Session] = []

    def start(*argv, width: int = 80, height: int = 24, **env: str) -> Session:
        session = Session(tmp_path, argv, width=width, height=height, env=perftui_env(tmp_path / "home", **env))
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()
