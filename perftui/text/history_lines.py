"""History entries as lines of text: who changed which field from what to what, aligned.

The entries themselves, and rebuilding earlier versions, are
:mod:`perftui.core.history`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from perftui.core import tracking
from perftui.core.history import ACTION_LABELS, BACKUP_RESTORED, HistoryEntry
from perftui.core.model import FIELD_LABELS, Form, fields_changed
from perftui.i18n import gettext as _
from perftui.text.width import pad, width, wrap

_ROW = re.compile(r"indicators\[(\d+)\]")
_RECORD_ROW = re.compile(r"rows\[(\d+)\]")  # a 监控's or 自评's row


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


def field_label(key: str) -> str:
    match = _ROW.fullmatch(key) or _RECORD_ROW.fullmatch(key)
    if match:
        return _("指标第{row}行").format(row=match.group(1))
    label = FIELD_LABELS.get(key)
    return _(label) if label else (tracking.label(key) or key)


def value_text(value: Any) -> str:
    """A stored value for people: as stored, rows and funding rows joined, blanks named."""
    if value is None or value == "" or value == [] or value == {}:
        return _("（空）")
    if isinstance(value, dict):
        value = [cell for item in value.values() for cell in (item if isinstance(item, list) else [item]) if cell != ""]
        if not value:
            return _("（空）")
    if isinstance(value, list):
        return " / ".join(str(cell) for cell in value)
    return str(value)


def when_text(at: str) -> str:
    """``2024-05-01 10:15:02`` (the offset shown only when it is not this machine's)."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    local = datetime.now().astimezone().utcoffset()
    if moment.utcoffset() is not None and moment.utcoffset() != local:
        text += moment.strftime("%z")
    return text


def header_cells(entry: HistoryEntry) -> list[str]:
    """The columns of an entry's first line: when, who, what, which form, which revision."""
    revision = _("修订 {revision}").format(revision=entry.revision) if entry.form_id else ""
    return [when_text(entry.at), entry.who, action_label(entry.action), entry.form_name, revision]


def change_lines(
    entry: HistoryEntry,
    *,
    line_width: int = 100,
    full: bool = False,
    indent: str = "  ",
    created: Form | None = None,
) -> list[str]:
    """The fields an entry changed, one ``label  old → new`` line each, labels aligned.

    A change too long for one line becomes a label line with the old and new
    values wrapped beneath it. A creation lists nothing but a count unless
    ``full``: the whole new form is better read with ``perftui show``.
    """
    if entry.action == BACKUP_RESTORED:
        return [f"{indent}{value_text(old)} → {value_text(new)}" for _key, old, new in entry.changes]
    changes = entry.changes
    if entry.is_creation and not changes:
        # A creation records no fields; ``created`` is the form it created
        # (the first version, reconstructed), when the caller has it.
        if created is None:
            return [indent + _("新表")]
        changes = tuple(fields_changed(Form(id=created.id), created))
        if not full:
            rows = sum(1 for key, _old, _new in changes if _ROW.fullmatch(key))
            return [indent + _("新表：{fields} 个栏目，{rows} 条指标").format(fields=len(changes) - rows, rows=rows)]
    labels = [field_label(key) for key, _old, _new in changes]
    label_width = max((width(label) for label in labels), default=0)
    lines: list[str] = []
    for label, (_key, old, new) in zip(labels, changes):
        old_text, new_text = value_text(old), value_text(new)
        one_line = f"{indent}{pad(label, label_width)}  {old_text} → {new_text}"
        if width(one_line) <= line_width and "\n" not in old_text + new_text:
            lines.append(one_line)
            continue
        lines.append(f"{indent}{label}")
        room = max(20, line_width - width(indent) * 2 - 4)
        for mark, text in ((_("原："), old_text), (_("新："), new_text)):
            wrapped = wrap(text, room)
            lines.append(f"{indent * 2}{mark}{wrapped[0]}")
            lines += [f"{indent * 2}{pad('', width(mark))}{more}" for more in wrapped[1:]]
    return lines


def describe_entry(
    entry: HistoryEntry, *, line_width: int = 100, full: bool = False, created: Form | None = None
) -> list[str]:
    """One entry as lines of text: a header line, then one line per changed field."""
    header = "  ".join(cell for cell in header_cells(entry) if cell)
    return [header, *change_lines(entry, line_width=line_width, full=full, created=created)]


def history_lines(
    entries: Sequence[HistoryEntry],
    *,
    line_width: int = 100,
    full: bool = False,
    created: Callable[[HistoryEntry], Form | None] | None = None,
) -> list[str]:
    """Entries oldest first, their header columns aligned by display width across all of them."""
    headers = [header_cells(entry) for entry in entries]
    widths = [max((width(cells[i]) for cells in headers), default=0) for i in range(5)]
    lines: list[str] = []
    for entry, cells in zip(entries, headers):
        padded = [pad(cell, widths[i]) for i, cell in enumerate(cells[:-1])] + [cells[-1]]
        lines.append("  ".join(padded).rstrip())
        first = created(entry) if created is not None and entry.is_creation and not entry.changes else None
        lines += change_lines(entry, line_width=line_width, full=full, created=first)
    return lines
