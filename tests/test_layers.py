"""The layout is the architecture: each layer imports only the layers below it.

Read from the source (every import statement, also those inside functions),
so a lazy import cannot hide an arrow that runs back up. The one exception is
named: the command line opens the TUI when no subcommand is given.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Which layers each layer may import (besides the standard library and third parties).
ALLOWED: dict[str, set[str]] = {
    "storage": {"storage"},
    "base": {"base"},  # perftui/__init__, i18n, config
    "core": {"base", "core"},
    "text": {"base", "core", "text", "storage"},  # storage: to word its typed errors (text/errors.py)
    "export": {"base", "core", "text", "export", "storage"},
    "importing": {"base", "core", "text", "export", "importing"},
    "demo": {"base", "importing"},
    "services": {"base", "core", "text", "export", "importing", "demo", "services", "storage"},
    "cli": {"base", "core", "text", "export", "importing", "demo", "services", "storage", "cli"},
    "tui": {"base", "core", "text", "export", "importing", "demo", "services", "storage", "tui"},
}
#: Arrows that are allowed although they run up, and why.
EXCEPTIONS = {
    ("perftui/cli/parser.py", "tui"),  # no subcommand: open the app (imported only then)
    ("perftui/__main__.py", "cli"),
}


def layer_of_module(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] == "storage":
        return "storage"
    if parts[0] != "perftui":
        return None
    if len(parts) == 1 or parts[1] in ("i18n", "config", "__version__"):
        return "base"
    return parts[1] if parts[1] in ALLOWED else "base"


def layer_of_file(path: Path) -> str:
    relative = path.relative_to(ROOT)
    if relative.parts[0] == "storage":
        return "storage"
    if len(relative.parts) == 2:
        return "base"
    return relative.parts[1]


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            # ``from perftui import views`` imports the module perftui.views
            names += [f"{module}.{alias.name}" for alias in node.names if module in ("perftui", "perftui.tui")]
    return names


def sources() -> list[Path]:
    return sorted(p for folder in ("perftui", "storage") for p in (ROOT / folder).rglob("*.py"))


def test_every_layer_imports_only_the_layers_below_it():
    wrong = []
    for path in sources():
        layer = layer_of_file(path)
        relative = path.relative_to(ROOT).as_posix()
        for module in imported_modules(path):
            target = layer_of_module(module)
            if target is None or target in ALLOWED[layer]:
                continue
            if (relative, target) in EXCEPTIONS:
                continue
            wrong.append(f"{relative} ({layer}) imports {module} ({target})")
    assert not wrong, "\n".join(wrong)


def test_only_the_tui_imports_textual():
    wrong = [
        path.relative_to(ROOT).as_posix()
        for path in sources()
        if layer_of_file(path) != "tui"
        and any(m == "textual" or m.startswith("textual.") for m in imported_modules(path))
    ]
    assert not wrong


def test_the_services_load_no_textual():
    code = "import sys, perftui.services.repository, perftui.services.restore; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_the_layer_check_sees_an_arrow_that_runs_back_up():
    """The check itself works: a core module that imports the services is caught."""
    fake = ROOT / "perftui" / "core" / "model.py"
    names = imported_modules(fake)
    assert any(layer_of_module(n) == "core" for n in names)
    assert layer_of_module("perftui.services.repository") not in ALLOWED[layer_of_file(fake)]
    assert layer_of_module("perftui.tui.app") not in ALLOWED["cli"]
