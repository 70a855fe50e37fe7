"""The storage package stays independent of the UI."""

from __future__ import annotations

import subprocess
import sys

from storage_testutil import ROOT, child_env


def test_importing_storage_loads_neither_textual_nor_perftui() -> None:
    code = (
        "import storage, sys; "
        "assert storage.__file__.startswith(sys.argv[1]), storage.__file__; "
        "bad = sorted(m for m in sys.modules if m.startswith(('textual', 'perftui'))); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], cwd=ROOT, env=child_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
