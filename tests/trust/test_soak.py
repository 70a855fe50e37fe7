"""Load: eight processes change one database for a while, some are SIGKILLed; nothing acknowledged is lost.

It runs on a JSON file and on a PostgreSQL database.

The duration is ``PERFTUI_SOAK_SECONDS`` (default 20, which keeps the test
well under two minutes on a small CI machine). The counts are printed and, so
that they show in CI output without ``-s``, added to pytest's terminal summary.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from perftui.core.history import reconstruct, replay
from perftui.services.repository import Repository, _content, open_backups
from tests.trust.conftest import ROOT, SOAK_REPORT
from tests.trust.soak_worker import digest

PROCESSES = 8
DURATION = float(os.environ.get("PERFTUI_SOAK_SECONDS", "20"))
WORKER = Path(__file__).with_name("soak_worker.py")
ACTION_OF = {"import": "import", "save": "save", "delete": "delete", "undelete": "restore", "revert": "revert"}


def _start(db, acks, name, deadline, seed):
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(db), str(acks), name, str(deadline), str(seed)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )


@pytest.mark.soak
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["json", "postgresql"])
def test_eight_processes_with_sigkills_lose_no_acknowledged_change(backend, tmp_path, record_property, request):
    from tests.conftest import perftui_database

    rng = random.Random(os.environ.get("PERFTUI_SOAK_SEED") or time.time_ns())
    db = tmp_path / "shared" / "forms.json" if backend == "json" else perftui_database(request)
    acks = tmp_path / "acks.jsonl"
    started = time.monotonic()
    deadline = time.time() + DURATION
    running = {f"w{n}": _start(db, acks, f"w{n}", deadline, rng.randrange(1 << 30)) for n in range(PROCESSES)}
    finished, killed, spawned = {}, 0, PROCESSES

    # SIGKILL a random process at random moments, and start another in its place.
    while time.time() < deadline - 1:
        time.sleep(rng.uniform(0.3, 1.5))
        victim = rng.choice(sorted(running))
        running[victim].kill()
        running[victim].wait()
        finished[victim] = running.pop(victim)
        killed += 1
        name = f"w{spawned}"
        spawned += 1
        running[name] = _start(db, acks, name, deadline, rng.randrange(1 << 30))
    refused = 0
    for name, proc in running.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (name, out, err[-2000:])
        refused += json.loads(out.strip().splitlines()[-1])["refused"]
        finished[name] = proc
    ran_for = time.monotonic() - started

    # -- verification ------------------------------------------------------
    repository = Repository.open(db, read_only=True)
    if backend == "json":
        open_backups(db).read(str(db))  # the file itself passes the full format check
    forms = {f.id: f for f in repository.forms() + repository.deleted_forms()}
    entries = repository.history()
    by_form = defaultdict(list)
    for entry in entries:
        assert entry.form_id in forms, entry
        by_form[entry.form_id].append(entry)

    versions = {}
    for form_id, form in forms.items():
        own = by_form[form_id]
        assert [e.revision for e in own] == list(range(1, form.revision + 1)), form.name
        replayed = replay(form, own)
        assert _content(replayed[-1]) == _content(form), form.name
        for revision in range(1, form.revision + 1):
            assert _content(reconstruct(form, own, revision)) == _content(replayed[revision - 1])
        versions[form_id] = (replayed, {e.revision: e.action for e in own})

    # The hash chain held through every SIGKILL, and replaying it gives every stored form.
    verdict = repository.verify()
    assert verdict.holds and verdict.chain_start == 1, verdict.first_break
    assert verdict.versions == len(entries)

    acknowledged = [json.loads(line) for line in acks.read_text(encoding="utf-8").splitlines()]
    verified = 0
    for ack in acknowledged:
        replayed, actions = versions[ack["id"]]
        assert ack["rev"] <= len(replayed), ack
        assert actions[ack["rev"]] == ACTION_OF[ack["op"]], ack
        assert digest(replayed[ack["rev"] - 1]) == ack["digest"], ack
        verified += 1

    backups = open_backups(db).list() if backend == "json" else []
    for backup in backups:
        open_backups(db).read(backup)  # every backup taken under load is a whole database

    ops = Counter(ack["op"] for ack in acknowledged)
    report = [
        f"soak ({backend}): {PROCESSES} processes for {DURATION:g} s ({ran_for:.1f} s with verification), {spawned} started",
        f"soak: changes made (acknowledged): {len(acknowledged)}  "
        + ", ".join(f"{op} {ops[op]}" for op in ACTION_OF),
        f"soak: processes killed with SIGKILL: {killed}",
        f"soak: stale changes refused (conflicts, counted by the {len(running)} processes that ran to the end): {refused}",
        f"soak: changes verified against the history and the forms: {verified}",
        f"soak: forms {len(forms)}, history entries {len(entries)}, valid backups {len(backups)}",
        f"soak: perftui verify: the chain holds, {verdict.versions} versions checked",
    ]
    print("\n".join(report))
    record_property(SOAK_REPORT, report)

    assert killed >= 1 and verified == len(acknowledged) > 0
    assert all(ops[op] > 0 for op in ("import", "save", "delete")), ops
