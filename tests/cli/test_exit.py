"""How a ``perftui`` process ends: a lookup without tearing down what it read, everything else as usual.

Real processes: the early exit happens only in the ``perftui`` command itself
(:func:`perftui.cli.run`), never inside :func:`perftui.cli.main`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# An exit handler says whether the interpreter ended the usual way.
RUN = (
    "import atexit, sys; atexit.register(lambda: print('torn down', file=sys.stderr));"
    "sys.argv = ['perftui', *sys.argv[1:]]; from perftui.cli import run; run()"
)


def perftui(*argv, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", RUN, *map(str, argv)], stdout=stdout, stderr=subprocess.PIPE, env=env)


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Path:
    from benchmarks.synth import write_db

    return write_db(tmp_path_factory.mktemp("exit") / "forms.json", 1000)


def test_a_lookup_prints_everything_and_ends_without_teardown(thousand):
    done = perftui("--db", thousand, "list")
    assert done.returncode == 0
    assert len(done.stdout.decode("utf-8").splitlines()) == 2 + 1000
    assert done.stderr == b""  # no "torn down": os._exit after the flush


def test_a_lookup_keeps_its_exit_code_and_its_error_line(thousand):
    done = perftui("--db", thousand, "check", "--strict")
    assert done.returncode == 1 and done.stdout.decode("utf-8").splitlines()[-1].startswith("共 1000 张表")
    missing = perftui("--db", thousand, "show", "没有这个项目")
    assert missing.returncode == 1
    # An error is not a lookup that finished: the usual exit, after the one line.
    assert missing.stderr.decode("utf-8").splitlines() == ["perftui: 没有名称或编号含“没有这个项目”的表", "torn down"]


def test_a_change_ends_the_usual_way(tmp_path, seed_path):
    done = perftui("--db", tmp_path / "forms.json", "import", seed_path)
    assert done.returncode == 0 and "新增 8" in done.stdout.decode("utf-8")
    assert done.stderr.decode("utf-8").strip() == "torn down"


def test_an_export_to_a_file_ends_the_usual_way(thousand, tmp_path):
    target = tmp_path / "summary.csv"
    done = perftui("--db", thousand, "export", "summary", "--format", "csv", "-o", target)
    assert done.returncode == 0 and target.read_bytes().count(b"\n") == 1 + 1000 + 1
    assert done.stderr.decode("utf-8").strip() == "torn down"


def test_a_reader_that_stops_early_is_no_error(thousand):
    """``perftui list | head -1``: exit 0 and nothing on stderr, as before."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "perftui", "--db", str(thousand), "list"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert child.stdout.readline().decode("utf-8").startswith("项目名称")
    child.stdout.close()
    assert child.wait() == 0
    assert child.stderr.read() == b""
