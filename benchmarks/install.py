"""perftui as an operator has it: built into a wheel and installed (bytecode compiled) in a temporary venv.

An editable install of the source tree adds an import hook and runs from
uncompiled sources, which costs every process tens of milliseconds that an
installed perftui does not pay. The venv borrows the running environment's
packages (textual, tinydb, ...) through a .pth line instead of downloading
them, and installs only the wheel itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Installed:
    python: str  # the interpreter that imports the installed perftui
    perftui: list[str]  # the command an operator types
    env: dict[str, str]
    how: str  # said above the results


def from_wheel(folder: Path) -> Installed:
    """Build the wheel and install it; falls back to the source tree (and says so) if that fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    wheels = folder / "wheel"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True,
    )
    if built.returncode != 0:
        return from_source(f"wheel build failed ({built.stderr.strip().splitlines()[-1:]}); source tree")
    (wheel,) = wheels.glob("perftui-*.whl")
    target = folder / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    python = str(target / "bin" / "python")
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    # The benchmark's own environment supplies the dependencies (after the venv's own packages).
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True,
    )
    return Installed(python, [str(target / "bin" / "perftui")], env, f"installed wheel {wheel.name} (compiled bytecode)")


def from_source(reason: str = "source tree") -> Installed:
    env = dict(os.environ) | {"PYTHONPATH": str(ROOT)}
    return Installed(sys.executable, [sys.executable, "-m", "perftui"], env, reason)
