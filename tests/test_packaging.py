"""The built package carries what the app needs at run time: catalogs, styles, demo forms."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 and "No module named" in result.stderr:
        pytest.skip(f"cannot build a wheel here: {result.stderr.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("perftui-*.whl")
    return built


def test_the_wheel_carries_the_compiled_catalog_styles_and_demo_forms(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "perftui/locale/en/LC_MESSAGES/perftui.mo" in names
    styles = {p.relative_to(ROOT).as_posix() for p in (ROOT / "perftui").rglob("*.tcss")}
    assert styles and styles <= names, styles - names
    assert "perftui/tui/app.tcss" in names
    assert "perftui/demo/2024-performance-targets.txt" in names
    assert any(name.startswith("storage/") for name in names)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


def test_the_english_catalog_loads_from_the_installed_wheel(wheel, tmp_path):
    """Unpacked on its own (no source tree on the path), the package finds its .mo file."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import sys; sys.path.insert(0, %r);"
        "import gettext, perftui.i18n as i;"
        "t = i.load_translations('en');"
        "assert isinstance(t, gettext.GNUTranslations), t;"
        "assert i.__file__.startswith(%r), i.__file__;"
        "print(t.gettext('项目名称'))" % (str(tmp_path), str(tmp_path))
    )
    # -S: no site-packages, so not the editable install of the source tree either.
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Project name"


def test_ci_runs_exactly_the_readme_test_command():
    # Users run what the README says; CI must run the same, or it tests something else.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# run the tests\n", 1)[1].split("```", 1)[0].strip().splitlines()
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == block
