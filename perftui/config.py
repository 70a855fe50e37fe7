"""Where things live, and who is at the keyboard.

The database is ``--db PATH|URL``, else ``$PERFTUI_DB``, else ``[database] url``
in the config file, else ``forms.json`` in the platform's user data folder. A
``postgresql://`` URL names a database on a PostgreSQL server; it is never a
path (never resolved, never created as a folder). Settings (key bindings,
backup count, the database URL) come from ``config.toml`` in the user config
folder; ``$PERFTUI_CONFIG`` overrides.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP = "perftui"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "forms.json"


def unsaved_folder() -> Path:
    """Where the app keeps the unsaved edits of open forms (recovery files, perftui.services.unsaved):
    the user's own data folder, never the shared database's."""
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "unsaved"


#: A database location: a file's path, or a PostgreSQL URL (a str, never a Path).
Location = Path | str

_URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    """Does ``location`` name a PostgreSQL database rather than a file? (as :func:`storage.is_server_url`)"""
    return isinstance(location, str) and location.lower().startswith(_URL_SCHEMES)


def _location(value: str | os.PathLike[str]) -> Location:
    text = os.fspath(value)
    return text if is_database_url(text) else Path(text).expanduser()


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Location:
    """``--db``, else ``$PERFTUI_DB``, else ``[database] url`` in the config file, else the default file."""
    if explicit:
        return _location(explicit)
    env = os.environ.get("PERFTUI_DB")
    if env:
        return _location(env)
    url = load_settings().database_url
    if url:
        return url
    return default_db_path()


def config_path() -> Path:
    env = os.environ.get("PERFTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "config.toml"


_YES, _NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def env_flag(name: str) -> bool:
    """A yes/no environment variable: 1/true/yes/on, or 0/false/no/off/unset/empty.

    Anything else is refused (:class:`ConfigError`), not read as "no": for
    ``PERFTUI_READ_ONLY``, a typo (``=y``, ``=enabled``) must not quietly
    leave the database writable.
    """
    raw = os.environ.get(name, "")
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    from perftui.i18n import gettext as _

    raise ConfigError(
        _("环境变量 {name}={value} 无法识别：应为 1、true、yes、on（是）或 0、false、no、off、空（否）").format(
            name=name, value="".join(c if c.isprintable() else "?" for c in raw)
        )
    )


@dataclass(frozen=True)
class Settings:
    """What an operator may set in ``config.toml``; every key is optional.

    ::

        [keys]              # action id = "key[,key]"  (ids are listed by `?` in the app)
        "list.filter" = "slash,ctrl+f"
        [backups]
        keep = 14           # how many backups at most (the oldest of each day is kept first)
        max_mb = 500        # and at most this many MB in all (unset: no size cap)
        [database]          # a PostgreSQL server instead of a file (--db and $PERFTUI_DB come first)
        url = "postgresql://clerk@db.example/budget"
        [scoring]           # 自评 weights and bands (see perftui.core.scoring.rules_from_config)
        output = 50
    """

    keys: dict[str, str] = field(default_factory=dict)
    backups_keep: int = 14
    backups_max_bytes: int | None = None
    database_url: str | None = None
    source: Path | None = None
    scoring: dict[str, Any] = field(default_factory=dict)


class ConfigError(ValueError):
    """A config file that cannot be used; str() is one line naming the file."""


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()  # most operators have none: every command reads this, tomllib is for when there is one
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    import tomllib

    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    keys = raw.get("keys", {})
    backups = raw.get("backups", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f"{path}: [keys] maps action ids to key names, e.g. \"list.filter\" = \"slash\"")
    keep = backups.get("keep", 14) if isinstance(backups, dict) else 14
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
        raise ConfigError(f"{path}: [backups] keep must be a positive whole number")
    max_mb = backups.get("max_mb") if isinstance(backups, dict) else None
    if max_mb is not None and (not isinstance(max_mb, (int, float)) or isinstance(max_mb, bool) or not 0 < max_mb < 1e9):
        raise ConfigError(f"{path}: [backups] max_mb must be a positive number of megabytes")
    max_bytes = None if max_mb is None else int(max_mb * 1_000_000)
    database = raw.get("database", {})
    url = database.get("url") if isinstance(database, dict) else None
    if url is not None and not is_database_url(url):
        raise ConfigError(f"{path}: [database] url must be a postgresql:// URL (a file is given with --db or PERFTUI_DB)")
    scoring = raw.get("scoring", {})
    if not isinstance(scoring, dict):
        raise ConfigError(f"{path}: [scoring] is a table of numbers, e.g. output = 50")
    return Settings(
        keys=dict(keys), backups_keep=keep, backups_max_bytes=max_bytes, database_url=url, source=path,
        scoring=dict(scoring),
    )


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change: the OS user and, over SSH, the client's address."""

    user: str
    client: str = ""

    def describe(self) -> str:
        return f"{self.user}@{self.client}" if self.client else self.user


def current_actor() -> Actor:
    """The account of the effective user id, and over SSH the address the session came from.

    Not ``$USER`` or ``$LOGNAME`` (which ``getpass.getuser`` reads first):
    anyone can set those, and history would then record bob's change as
    alice's. The account name comes from the password database for the uid
    the process runs as. The client address is what sshd put in
    ``$SSH_CONNECTION``; a user can set that too, so it is kept only when it
    is an address, and it says where a session claims to come from, not who.
    """
    import pwd  # here: a lookup never records anyone

    uid = os.geteuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:  # no passwd entry (containers)
        user = f"uid{uid}"
    ssh = os.environ.get("SSH_CONNECTION", "").split()
    return Actor(user, _address(ssh[0]) if ssh else "")


def _address(text: str) -> str:
    import ipaddress

    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""
