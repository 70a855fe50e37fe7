"""What the daily backup adds to a save on a large database (hard link vs. a real copy).

    python -m benchmarks.backup_save [FORMS]     # default 10000 forms (~25 MB)

A save that is due the day's backup should cost the same as any other save:
the backup is a hard link to the version being replaced. For comparison it
also times a plain copy of the same file, which is what a naive backup would
add to that save.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import write_db
from perftui.services.repository import Repository, open_backups


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(count: int = 10_000, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = write_db(Path(folder) / "forms.json", count)
        size = db.stat().st_size / 1e6
        backups = open_backups(db)
        plain = Repository.open(db, backups_keep=None)
        backed = Repository.open(db)
        form_id = plain.forms()[0].id

        def timed_save(repository, text) -> float:
            # The form is looked up first (find: one document), so only the save is timed,
            # not rebuilding every form after the other repository's save.
            form = repository.find(form_id)
            return _timed(lambda: repository.save(form.evolve(annual_goal=text)))

        def save_due_a_backup(text) -> float:
            for backup in backups.list():  # a new day: the next save is due its backup
                Path(backup.path).unlink()
            return timed_save(backed, text)

        timed_save(plain, "warm-up")
        no_backup = min(timed_save(plain, f"plain {n}") for n in range(runs))
        with_link = min(save_due_a_backup(f"daily {n}") for n in range(runs))
        assert [b.reason for b in backups.list()] == ["daily"]
        copy = min(_timed(lambda: backups.copy_current("bench")) for _ in range(runs))
        print(f"{count} forms, {size:.1f} MB; best of {runs}")
        print(f"save without backups:          {no_backup * 1000:8.1f} ms")
        print(f"save taking the daily backup:  {with_link * 1000:8.1f} ms  (hard link, and its SHA-256 for the manifest)")
        print(f"a real copy of the file alone: {copy * 1000:8.1f} ms  (what a copying backup would add)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
