"""Where a store lives: a file path, or a database server's URL.

Kept apart from the PostgreSQL store so that telling the two apart, and
showing a URL without its password, needs no database driver.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["is_server_url", "display_location"]

_SCHEMES = ("postgresql", "postgres")


def is_server_url(location: object) -> bool:
    """Does ``location`` name a PostgreSQL database (``postgresql://…``) rather than a file?

    A URL is never a path: callers must not resolve it, create folders for it
    or look for it on disk.
    """
    if not isinstance(location, str) or "://" not in location:
        return False
    return location.split("://", 1)[0].lower() in _SCHEMES


def display_location(url: str) -> str:
    """``url`` as shown in messages and logs: any password replaced by ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = "&".join(
        f"{key}=***" if key.lower() == "password" else (f"{key}={value}" if sep else key)
        for key, sep, value in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
