"""Messages in the operator's language: Chinese by default, English from a catalog.

The source strings are Chinese, because the forms, their fields and the finance
bureau's vocabulary are Chinese; English is a translation catalog
(``perftui/locale/en/LC_MESSAGES/perftui.po``, compiled to ``.mo`` and shipped in
the package). One process uses one locale, chosen once at start-up by the CLI or
the TUI with :func:`set_locale`.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

DOMAIN = "perftui"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "zh_CN"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_locale = DEFAULT_LOCALE


def normalize_locale(name: str | None) -> str:
    """'en', 'en_US.UTF-8', 'en-GB' -> 'en'; anything Chinese or unknown -> 'zh_CN'."""
    if not name:
        return DEFAULT_LOCALE
    base = name.split(".")[0].split("@")[0].replace("-", "_")
    if base.lower().startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def locale_from_environment() -> str:
    """The locale the environment asks for (LC_ALL, LC_MESSAGES, LANG), as we support it."""
    for var in ("PERFTUI_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8", "C.utf8"):
            return normalize_locale(value)
    return DEFAULT_LOCALE


def load_translations(locale: str) -> _gettext.NullTranslations:
    """The catalog for ``locale``; Chinese needs none (the source strings are Chinese).

    Raises FileNotFoundError when an English catalog is missing from the install,
    so a packaging mistake shows instead of silently printing Chinese.
    """
    if normalize_locale(locale) == DEFAULT_LOCALE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[normalize_locale(locale)])


def set_locale(locale: str | None) -> str:
    """Make ``locale`` the process's language; returns the locale actually used."""
    global _translations, _locale
    _locale = normalize_locale(locale)
    _translations = load_translations(_locale)
    return _locale


def current_locale() -> str:
    """The babel locale for numbers: 'zh_CN' or 'en'."""
    return _locale


def gettext(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it yet (tables of labels)."""
    return message


_ = gettext
