"""Styles live in ``.tcss`` files beside the module that uses them.

A widget's or a screen's ``DEFAULT_CSS`` is read from its file, so the rules
stay scoped to that class exactly as inline CSS was, and can be read and
edited as a stylesheet (the app's own rules are ``app.tcss``, its CSS_PATH).
"""

from __future__ import annotations

from pathlib import Path


def stylesheet(module_file: str, name: str | None = None) -> str:
    """The text of ``name`` (default: the module's own name with ``.tcss``) beside ``module_file``."""
    folder = Path(module_file).parent
    return (folder / (name or Path(module_file).with_suffix(".tcss").name)).read_text(encoding="utf-8")
