"""Shared fixtures: the eight real seed forms, and fresh databases."""

from __future__ import annotations

import asyncio
import inspect
from decimal import Decimal
from pathlib import Path

import pytest

from perftui.demo import SEED

SEED_FORMS = 8
SEED_INDICATORS = 66
SEED_FISCAL_TOTAL = Decimal("3127.56")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests (Textual's Pilot) each in a fresh event loop; no plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's real database, config or locale."""
    monkeypatch.setenv("PERFTUI_DB", str(tmp_path / "default-db.json"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for var in ("PERFTUI_LOCALE", "PERFTUI_READ_ONLY", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from perftui import i18n

    i18n.set_locale("zh_CN")
    yield
    i18n.set_locale("zh_CN")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole session (see tests/pgserver.py); skips without one."""
    from tests.pgserver import PostgresServer, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no PostgreSQL tests: {reason}")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server):
    """The URL of a new, empty database on the test server (dropped afterwards)."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def perftui_database(request) -> str:
    """The URL of a new database on the test server, set up as `perftui db init` sets one up."""
    from perftui.services.repository import SPEC
    from storage.postgres import init_database

    server = request.getfixturevalue("postgres_server")
    name = server.prepared_database("perftui", lambda url: init_database(url, SPEC))
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


@pytest.fixture
def pg_db(request) -> str:
    """A PostgreSQL database set up for perftui (a URL)."""
    return perftui_database(request)


@pytest.fixture(params=["json", "postgresql"])
def db_location(request, tmp_path):
    """A fresh perftui database on each backend: a JSON file's path, or a PostgreSQL URL."""
    if request.param == "json":
        return tmp_path / "forms.json"
    return perftui_database(request)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def seed_forms():
    from perftui.importing.text import read_file

    return read_file(SEED)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "forms.json"
