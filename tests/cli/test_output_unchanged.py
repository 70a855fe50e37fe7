"""Every CLI command prints what it printed before the speed work: a net under optimisations.

Each command in COMMANDS runs on two databases built the same way every time:
the eight seed forms (with fixed ids, one saved change and one deletion, so
``history`` and ``deleted`` have something to show) and a synthetic database
of 1,000 forms (benchmarks/synth.py, with the same kind of changes). Their
exit code, standard output and standard error are compared with the golden
files in tests/cli/golden/: the seed's in full (``seed.txt``, readable in a
diff; the three whole-database exports as a digest), the 1,000 forms' as a digest with the line count and the first and
last lines (``synth-1000.json``, small).

A change that is meant to change the output (wider columns, another order,
escaping) regenerates them; read the diff of seed.txt before committing:

    PERFTUI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/cli/test_output_unchanged.py

A few commands also run as real processes, which is where an early exit
could lose buffered output or change the exit code.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perftui.cli import main
from perftui.config import Actor

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("PERFTUI_UPDATE_GOLDEN"))
STAMP = "2024-03-05T10:20:30+08:00"
FULL_UP_TO = 4000  # characters of a seed output kept in full in seed.txt

# (name, argv): names are what the golden files are keyed by; "{first}" is a form's name.
COMMANDS: list[tuple[str, list[str]]] = [
    ("list", ["list"]),
    ("list --year", ["list", "--year", "2024"]),
    ("list --year none", ["list", "--year", "1999"]),
    ("show", ["show", "{first}"]),
    ("show id", ["show", "000000000002"]),
    ("show unknown", ["show", "没有这个项目"]),
    ("show ambiguous", ["show", "经费"]),
    ("total", ["total"]),
    ("total --year", ["total", "--year", "2024"]),
    ("total --by 主管部门", ["total", "--by", "主管部门"]),
    ("total --by unit --year", ["total", "--by", "unit", "--year", "2024"]),
    ("check", ["check"]),
    ("check --strict", ["check", "--strict"]),
    ("check --year", ["check", "--year", "2023"]),
    ("export summary", ["export", "summary"]),
    ("export summary csv", ["export", "summary", "--format", "csv"]),
    ("export summary json", ["export", "summary", "--format", "json"]),
    ("export summary github --year", ["export", "summary", "--format", "github", "--year", "2024"]),
    ("export summary grid --width 80", ["export", "summary", "--format", "grid", "--width", "80"]),
    ("export summary --incomplete", ["export", "summary", "--incomplete"]),
    ("export form", ["export", "form", "{first}"]),
    ("export form json --all", ["export", "form", "--all", "--format", "json"]),
    ("export form simple_grid --unit", ["export", "form", "--unit", "研究院", "--format", "simple_grid"]),
    ("export form (nothing named)", ["export", "form"]),
    ("export indicators", ["export", "indicators", "{first}"]),
    ("export indicators csv --all", ["export", "indicators", "--all", "--format", "csv"]),
    ("export indicators tsv --name", ["export", "indicators", "--name", "专项", "--format", "tsv"]),
    ("history", ["history"]),
    ("history --limit --full", ["history", "--limit", "3", "--full"]),
    ("history form", ["history", "000000000002"]),
    ("history form --show 1", ["history", "000000000002", "--show", "1"]),
    ("deleted", ["deleted"]),
    ("en list", ["--locale", "en", "list"]),
    ("en total --by", ["--locale", "en", "total", "--by", "department"]),
    ("en check", ["--locale", "en", "check"]),
    ("en show", ["--locale", "en", "show", "000000000003"]),
]

# Run as processes too, compared with the same golden entries.
PROCESS_COMMANDS = ["list", "check --strict", "export summary csv", "show unknown", "history"]


def _change_a_little(path: Path) -> None:
    """One saved change (a goal and an indicator value) and one deletion, as an operator would."""
    from perftui.services import repository as repo_module
    from perftui.services.repository import Repository

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(repo_module, "_now", lambda: STAMP)
        repository = Repository(Repository.open(path, backups_keep=None).store, Actor("operator", "10.0.0.7"))
        form = repository.get("000000000002")
        rows = list(form.indicators)
        rows[0] = rows[0]._replace(value=rows[0].value + "（改）")
        repository.save(form.evolve(annual_goal=form.annual_goal + "补充。", indicators=tuple(rows)))
        repository.delete(repository.get("000000000005"))


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> dict[str, Path]:
    from benchmarks.synth import write_db, write_forms
    from perftui.demo import SEED
    from perftui.importing.text import read_file

    folder = tmp_path_factory.mktemp("outputs")
    seed = [
        form.evolve(id=f"{number:012x}", revision=1, updated_at="2024-01-15T09:30:00+08:00", updated_by="importer")
        for number, form in enumerate(read_file(SEED), start=1)
    ]
    built = {"seed": write_forms(folder / "seed.json", seed), "synth-1000": write_db(folder / "synth-1000.json", 1000)}
    for path in built.values():
        _change_a_little(path)
    return built


@pytest.fixture(autouse=True)
def _china_time(monkeypatch):
    """History prints times in the machine's zone (with an offset when it is another one)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _argv(db: Path, argv: list[str], first: str) -> list[str]:
    return ["--db", str(db), *[arg.replace("{first}", first) for arg in argv]]


def _first_name(db: Path) -> str:
    # The name of the first form as stored (the seed's 劳务派遣 form; synth's form 0).
    data = json.loads(db.read_text(encoding="utf-8"))
    return data["forms"]["1"]["name"]


def _run(capsys, argv: list[str]) -> dict[str, object]:
    code = main(argv)
    out, err = capsys.readouterr()
    return {"code": code, "out": out, "err": err}


def _digest(result: dict[str, object]) -> dict[str, object]:
    out = str(result["out"])
    lines = out.splitlines()
    return {
        "code": result["code"],
        "sha256": hashlib.sha256(out.encode("utf-8")).hexdigest(),
        "lines": len(lines),
        "head": lines[:3],
        "tail": lines[-1:],
        "err": result["err"],
    }


def _seed_text(results: dict[str, dict[str, object]]) -> str:
    parts = []
    for name, result in results.items():
        out = str(result["out"])
        if len(out) > FULL_UP_TO:  # the whole-database exports: a digest keeps the file small
            digest = _digest(result)
            out = f"({digest['lines']} lines, sha256 {digest['sha256']})\n"
        parts.append(f"=== {name}  [exit {result['code']}]\n{out}")
        if result["err"]:
            parts.append(f"--- stderr\n{result['err']}")
    return "".join(parts)


def _results(capsys, db: Path) -> dict[str, dict[str, object]]:
    first = _first_name(db)
    return {name: _run(capsys, _argv(db, argv, first)) for name, argv in COMMANDS}


def test_seed_outputs_are_unchanged(capsys, databases):
    text = _seed_text(_results(capsys, databases["seed"]))
    golden = GOLDEN / "seed.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


def test_outputs_on_a_thousand_forms_are_unchanged(capsys, databases):
    digests = {name: _digest(result) for name, result in _results(capsys, databases["synth-1000"]).items()}
    golden = GOLDEN / "synth-1000.json"
    if UPDATE:
        golden.write_text(json.dumps(digests, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert list(digests) == list(expected)
    for name in digests:
        assert digests[name] == expected[name], name


def _process(db: Path, argv: list[str]) -> dict[str, object]:
    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-m", "perftui", *_argv(db, argv, _first_name(db))], capture_output=True, env=env
    )
    return {"code": done.returncode, "out": done.stdout.decode("utf-8"), "err": done.stderr.decode("utf-8")}


@pytest.mark.parametrize("name", PROCESS_COMMANDS)
def test_a_process_prints_the_same_and_exits_the_same(databases, name):
    argv = dict(COMMANDS)[name]
    expected = json.loads((GOLDEN / "synth-1000.json").read_text(encoding="utf-8"))[name]
    assert _digest(_process(databases["synth-1000"], argv)) == expected
