"""A history that shows when it was edited: each entry hashed, chained to the one before.

Every entry the repository writes carries two hashes:

* ``form_hash``: what the form was after the change (its stored document:
  content, revision, last-change stamp, deletion);
* ``hash``: the entry itself (every field but its storage id and this hash)
  together with the ``hash`` of the entry before it, so that editing,
  removing or reordering any entry breaks every hash after it.

Checking needs no stored copies of earlier versions: starting from the form
as it is today, each recorded change is undone in turn, and every version on
the way must have the ``form_hash`` its entry recorded. That replay is exact
(a version either hashes to what was recorded or it does not), so a form
edited by hand (a 年度金额 set to 9,000) is caught at its newest entry, and a
changed history value at the entry that holds it.

What this cannot catch: someone with write access to the file who recomputes
every hash after an edit. The hashes are not secret; they make edits outside
perftui visible, they do not stop an insider (the server backend's roles do
that). A database written before the hashes existed is checked from its
first hashed entry on.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from perftui.core.history import DELETED, HistoryError, apply_changes
from perftui.i18n import gettext as _

#: The fields every stored form has (a missing one hashes as null). Any other
#: key a document holds is hashed too: a field added by hand is an edit.
_FORM_KEYS = (
    "id", "revision", "year", "name", "period", "department", "unit", "funding", "goals",
    "layout", "indicators", "updated_at", "updated_by", "deleted_at",
)


def _canonical(value: Any) -> bytes:
    """One spelling for one value: keys sorted, no spaces, UTF-8.

    orjson, 25 times faster than json (it matters for an import of ten
    thousand forms), writes exactly what ``json.dumps(sort_keys=True,
    ensure_ascii=False, separators=(",", ":"))`` does for the documents
    perftui stores; what orjson refuses (a lone surrogate or a huge integer
    in a file edited by hand) is spelled by json, at writing and at checking alike.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")


def form_state(doc: Mapping[str, Any], *, private: bool = True) -> dict[str, Any]:
    """The hashed view of a stored form: every field, a missing one as null, not deleted as "".

    ``private``: a deep copy, to be changed (undoing history); else it shares
    ``doc``'s values and is only to be read.
    """
    # A field that only some forms have (extra_fields, amount_notes) is absent when empty;
    # undoing its first change gives null: both mean "none".
    state = {key: value for key, value in doc.items() if value is not None or key in _FORM_KEYS}
    if private:
        state = copy.deepcopy(state)
    for key in _FORM_KEYS:
        state.setdefault(key, None)
    state["deleted_at"] = state["deleted_at"] or ""
    return state


def form_hash(doc: Mapping[str, Any]) -> str:
    """The ``form_hash`` an entry records for the form document ``doc`` it produced."""
    return hashlib.sha256(_canonical(form_state(doc, private=False))).hexdigest()


def entry_hash(entry: Mapping[str, Any], previous: str) -> str:
    """The ``hash`` of a stored history entry, given the ``hash`` of the entry before it ("" for none)."""
    body = {key: value for key, value in entry.items() if key not in ("id", "hash")}
    return hashlib.sha256(previous.encode("ascii", "replace") + b"\n" + _canonical(body)).hexdigest()


def sealed(entry: dict[str, Any], previous: str, form_doc: Mapping[str, Any] | None) -> dict[str, Any]:
    """``entry`` with its ``form_hash`` (when it is about a form) and its chained ``hash``."""
    if form_doc is not None:
        entry["form_hash"] = form_hash(form_doc)
    entry["hash"] = entry_hash(entry, previous)
    return entry


# -- checking --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """The first place where the history and the forms part ways.

    ``position`` is the entry's place in the whole history (1 = oldest);
    ``reason`` is one line for the operator.
    """

    position: int
    entry: Mapping[str, Any] | None
    form_id: str
    form_name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a check of the whole history found."""

    entries: int
    chain_start: int | None  # position of the first hashed entry; None: no entry is hashed
    forms: int  # forms whose versions were checked against their entries
    versions: int  # versions checked
    unchecked_forms: int  # forms with no hashed entry (untouched since before the chain)
    first_break: Break | None
    breaks: int = 0  # all the places that disagree, the first one included

    @property
    def holds(self) -> bool:
        return self.first_break is None


def _version_state(
    content: Mapping[str, Any], entry: Mapping[str, Any], form_id: str
) -> dict[str, Any]:
    """The whole stored document of the version ``entry`` produced, given that version's content."""
    state = dict(content)
    stamp = entry.get("stamp")  # a form imported with its own stamp (keep_ids) records it
    if isinstance(stamp, list) and len(stamp) == 2:
        state["updated_at"], state["updated_by"] = stamp
    else:
        by, client = entry.get("by", ""), entry.get("client", "")
        state["updated_at"] = entry.get("at", "")
        state["updated_by"] = f"{by}@{client}" if client else by
    state["id"], state["revision"] = form_id, entry.get("revision")
    state["deleted_at"] = entry.get("at", "") if entry.get("action") == DELETED else ""
    return state


def walk_back(
    form_doc: Mapping[str, Any], entries: Sequence[tuple[int, Mapping[str, Any]]], *, down_to: int = 1
) -> Break | None:
    """Undo a form's recorded changes from today's document down to revision ``down_to``.

    ``entries`` are the form's ``(position, entry)`` in history order. Every
    hashed entry on the way must have recorded the version that the undoing
    arrives at; the first (newest) one that did not is returned as a
    :class:`Break`. Entries without hashes (written before the chain) end the
    walk: nothing older can be checked.
    """
    form_id, today = str(form_doc.get("id", "")), str(form_doc.get("name", ""))
    state = form_state(form_doc)
    expected = state.get("revision")
    for position, entry in reversed(entries):
        revision = entry.get("revision")
        if type(revision) is int and (revision < down_to or "form_hash" not in entry):
            return None
        name = str(entry.get("form_name") or today)  # as the entry recorded it: what `history` shows
        if revision != expected:
            return Break(position, entry, form_id, name, _missing(expected, entry))
        if form_hash(state) != entry["form_hash"]:
            return Break(position, entry, form_id, name, _("这一版本的内容与记录不符：数据库文件在 perftui 之外被改过"))
        try:
            apply_changes(state, entry.get("changes") or [], undo=True)
        except HistoryError as error:
            return Break(position, entry, form_id, name, str(error))
        except (TypeError, ValueError):
            return Break(position, entry, form_id, name, _("这条记录的修改内容无法识别：它是在 perftui 之外写入或改动的"))
        expected = revision - 1
        earlier = _entry_for(entries, expected)
        if earlier is not None:
            state = _version_state(state, earlier, form_id)
    return None


def _entry_for(entries: Sequence[tuple[int, Mapping[str, Any]]], revision: int) -> Mapping[str, Any] | None:
    for _position, entry in reversed(entries):
        if entry.get("revision") == revision:
            return entry
    return None


def _missing(expected: Any, entry: Mapping[str, Any]) -> str:
    return _("修订 {expected} 的历史记录缺失或被改动（这里的记录是修订 {found}）").format(
        found=entry.get("revision"), expected=expected
    )


def verify(forms: Iterable[Mapping[str, Any]], history: Sequence[Mapping[str, Any]]) -> Verdict:
    """Check the chain of ``history`` and that replaying it gives ``forms`` (every stored form, deleted too)."""
    chain_start, chain_break, replay_breaks = None, None, []

    def found(problem: Break) -> None:
        replay_breaks.append(problem)

    previous = ""
    for position, entry in enumerate(history, start=1):
        if "hash" not in entry:
            if chain_start is not None:
                chain_break = _break(position, entry, _("这条记录没有校验码：它是在 perftui 之外写入或改动的"))
                break
            previous = ""
            continue
        if chain_start is None:
            chain_start = position
        if entry_hash(entry, previous) != entry.get("hash"):
            chain_break = _break(position, entry, _("这条记录被改动过、删去了前面的记录或顺序被调换（校验码不符）"))
            break
        previous = entry["hash"]

    by_form: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for position, entry in enumerate(history, start=1):
        # Entries about a 监控 or 自评 record (``record``) are chained, not replayed.
        if entry.get("form_id") and not entry.get("record"):
            by_form.setdefault(str(entry["form_id"]), []).append((position, entry))
    stored = {str(doc.get("id")): doc for doc in forms}
    checked = versions = unchecked = 0
    for form_id, doc in stored.items():
        own = by_form.get(form_id, [])
        hashed = [item for item in own if "form_hash" in item[1]]
        if not hashed:
            if chain_start == 1:  # every change since the database began is hashed
                found(Break(len(history) + 1, None, form_id, str(doc.get("name", "")),
                            _("这张表没有任何修改记录：它是在 perftui 之外加入的")))
            unchecked += 1
            continue
        checked += 1
        versions += len(hashed)
        problem = walk_back(doc, own)
        if problem is not None:
            found(problem)
            continue
        oldest_position, oldest = own[0]
        if chain_start == 1 and oldest.get("changes") and "form_hash" in oldest:
            found(_break(oldest_position, oldest, _("这张表更早的修改记录缺失")))
    for form_id, own in by_form.items():
        if form_id not in stored and any("form_hash" in entry for _, entry in own):
            position, entry = own[-1]
            found(_break(position, entry, _("这条记录所记的表已不在数据库中：它是在 perftui 之外删去的")))
    # A broken chain names the entry that was edited (or follows a removed one);
    # the versions that then disagree are its consequences, so it comes first.
    # Otherwise the oldest entry whose version disagrees with the forms.
    breaks = ([chain_break] if chain_break else []) + sorted(replay_breaks, key=lambda b: b.position)
    first = breaks[0] if breaks else None
    return Verdict(len(history), chain_start, checked, versions, unchecked, first, len(breaks))


def _break(position: int, entry: Mapping[str, Any], reason: str) -> Break:
    return Break(position, entry, str(entry.get("form_id", "")), str(entry.get("form_name", "")), reason)
