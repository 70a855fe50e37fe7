"""One soak-test process: random imports, saves, deletes, undeletes and reverts on one shared database.

    python soak_worker.py DB ACKS WORKER DEADLINE SEED

Every change that returned (was acknowledged) is appended to ACKS as one JSON
line, written with a single O_APPEND write so it survives a SIGKILL right
after: what the test later demands to find in the database is exactly what
this process was told had been saved. At the deadline it prints its counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import storage  # noqa: E402
from perftui.demo import SEED  # noqa: E402
from perftui.core.history import HistoryError  # noqa: E402
from perftui.importing.text import read_file  # noqa: E402
from perftui.core.model import Funding, Indicator, new_id  # noqa: E402
from perftui.services.repository import Conflict, NotDeleted, Repository, _content  # noqa: E402


def digest(form) -> str:
    return hashlib.sha1(json.dumps(_content(form), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def main() -> int:
    db, acks_path, worker, deadline, seed = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed)
    seed_forms = read_file(SEED)
    repository = Repository.open(db, lock_timeout=30)
    acks = os.open(acks_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    counts = {"import": 0, "save": 0, "delete": 0, "undelete": 0, "revert": 0, "refused": 0}
    serial = 0

    def ack(op: str, form) -> None:
        counts[op] += 1
        line = json.dumps({"op": op, "id": form.id, "rev": form.revision, "digest": digest(form), "worker": worker})
        os.write(acks, (line + "\n").encode())

    def amount() -> Decimal:
        return Decimal(rng.randrange(0, 100000)) / 100

    while time.time() < deadline:
        serial += 1
        tag = f"{worker}-{serial}"
        live, deleted = repository.forms(), repository.deleted_forms()
        op = rng.choices(["import", "save", "delete", "undelete", "revert"], [20, 45, 12, 10, 13])[0]
        try:
            if op == "import" or not live:
                incoming = []
                for _ in range(rng.randint(1, 2)):
                    if live and rng.random() < 0.4:  # the same form again, changed: an update
                        base = rng.choice(live)
                        incoming.append(base.evolve(annual_goal=f"导入更新 {tag}", revision=0))
                    else:
                        base = rng.choice(seed_forms)
                        incoming.append(base.evolve(name=f"{base.name}·{tag}-{len(incoming)}", id=new_id()))
                report = repository.import_forms(incoming)
                for form in report.added + report.updated:
                    ack("import", form)
            elif op == "save":
                form = rng.choice(live)
                rows = list(form.indicators)
                if rows and rng.random() < 0.5:
                    row = rng.randrange(len(rows))
                    rows[row] = Indicator(rows[row].level1, rows[row].level2, rows[row].name, f"≥{rng.randint(1, 99)}%")
                if rng.random() < 0.2:
                    rows.append(Indicator("产出指标", "数量指标", f"新增 {tag}", "≥1个"))
                if rng.random() < 0.2 and len(rows) > 1:
                    rows.pop()
                fiscal, other = amount(), amount()
                changed = form.evolve(
                    annual_goal=f"保存 {tag}",
                    annual_funding=Funding(fiscal + other, fiscal, other),
                    indicators=tuple(rows),
                )
                ack("save", repository.save(changed))
            elif op == "delete":
                ack("delete", repository.delete(rng.choice(live)))
            elif op == "undelete":
                if not deleted:
                    continue
                ack("undelete", repository.restore(rng.choice(deleted).id))
            else:
                candidates = [f for f in live if f.revision >= 2]
                if not candidates:
                    continue
                form = rng.choice(candidates)
                ack("revert", repository.revert(form, rng.randint(1, form.revision - 1)))
        except (Conflict, NotDeleted, storage.LockTimeoutError):
            counts["refused"] += 1  # someone else got there first: refused, not lost
        except HistoryError as error:
            print(json.dumps({"error": f"history: {error}"}), flush=True)
            return 1
    print(json.dumps(counts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
