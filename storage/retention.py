"""Which backups to keep: a count, a total size, and the oldest of each of the last days.

Pure functions over :class:`storage.backup.Backup` records, so the rule can
be read (and tested) apart from the files.

Keeping "the newest N" alone loses the originals: fourteen restores in a row,
or a morning of imports, push every backup of the days before out of the
list, and with them the versions an operator most likely wants back. So the
backups are ranked, most valuable first:

1. the protected ones (the backup just taken, the one being restored from);
2. the oldest backup of each day, newest day first: the day's starting point;
3. all others, newest first;

and the first ``keep`` of that ranking are kept. A total size cap then drops
from the end of the ranking, never a protected backup.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

__all__ = ["ranked", "to_remove"]


class _Backup(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def order(self) -> tuple[object, int]: ...

    @property
    def day(self) -> object: ...

    @property
    def size(self) -> int | None: ...


def ranked(backups: Sequence[_Backup], protect: Collection[str] = ()) -> list[_Backup]:
    """``backups`` (any order) from the most to the least valuable to keep."""
    newest_first = sorted(backups, key=lambda b: b.order, reverse=True)
    protected = [b for b in newest_first if b.path in protect]
    oldest_of_day: dict[object, _Backup] = {}
    for backup in newest_first:  # the last one seen for a day is its oldest
        oldest_of_day[backup.day] = backup
    anchors = [b for b in oldest_of_day.values() if b.path not in protect]
    chosen = {b.path for b in protected} | {b.path for b in anchors}
    rest = [b for b in newest_first if b.path not in chosen]
    return protected + anchors + rest


def to_remove(
    backups: Sequence[_Backup],
    *,
    keep: int,
    max_bytes: int | None = None,
    protect: Collection[str] = (),
) -> list[_Backup]:
    """The backups to delete so that at most ``keep`` remain, within ``max_bytes`` in total."""
    order = ranked(backups, protect)
    kept = [b for b in order if b.path in protect]
    for backup in order:
        if len(kept) >= keep:
            break
        if backup.path not in protect:
            kept.append(backup)
    if max_bytes is not None:
        total = sum(b.size or 0 for b in kept)
        while total > max_bytes and kept and kept[-1].path not in protect:
            total -= kept.pop().size or 0
    keeping = {b.path for b in kept}
    return [b for b in order if b.path not in keeping]
