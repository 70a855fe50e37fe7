"""Helpers for the trust tests: running perftui in-process and as real processes, the soak report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The user property under which the soak test leaves lines for the terminal summary.
SOAK_REPORT = "soak_report"


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: long-running load test with real processes (kept in the default run)")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Show the soak test's counts in CI output, which runs without -s."""
    lines = [
        line
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == SOAK_REPORT
        for line in value
    ]
    if lines:
        terminalreporter.section("soak test")
        for line in lines:
            terminalreporter.write_line(line)


def run_cli(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    """main() in this process: (exit code, stdout, stderr)."""
    from perftui import cli

    if stdin is not None:
        assert monkeypatch is not None
        import io

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def perftui_process(*argv, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 60):
    """`python -m perftui ...` as a real process: CompletedProcess with text output."""
    environment = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "perftui", *map(str, argv)],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture
def seeded_db(db_path, seed_forms):
    """A database holding the eight seed forms, imported by 'alice' over SSH."""
    from perftui.config import Actor
    from perftui.services.repository import Repository

    repository = Repository.open(db_path)
    repository.actor = Actor("alice", "10.0.0.5")
    repository.import_forms(seed_forms)
    return db_path
