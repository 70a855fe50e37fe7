"""What the home screen shows, computed without the UI: forms, their status, the totals.

A :class:`Catalog` is an immutable picture of the database as last read: every
live form as an :class:`~perftui.tui.state.entry.Entry`, its findings counted once (checking is the costly part, so a
re-read reuses the entry of every form whose revision did not change), and the
deleted forms. A :class:`View` (year, filter text, sort) selects and orders
entries; :meth:`Catalog.select` returns a :class:`Selection` with the rows and
the exact Decimal totals of what is shown.

This module imports no Textual, so it is built in worker threads and tested
without a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from perftui.core.collation import pinyin_key
from perftui.core.evaluation import Evaluation
from perftui.core.listing import Listed, listed
from perftui.core.model import Form, matches
from perftui.core.monitoring import Monitoring
from perftui.core.normalize import fold
from perftui.core.progress import Progress, ProgressTotals
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.totals import ZERO, Totals
from perftui.tui.state.entry import NO_RECORDS, Entry, Records, _stamp

# Sort columns, in the order the table shows them; "" keeps the stored order
# (newest year first, then as entered), the order the forms were filed in.
SORT_COLUMNS = ("", "name", "year", "department", "unit", "fiscal", "indicators", "status")

# Re-exported: callers and tests know them from here.
__all__ = ["SORT_COLUMNS", "Records", "NO_RECORDS", "Entry", "View", "Selection", "Catalog", "copy_for_year"]


@dataclass(frozen=True)
class View:
    """What the operator chose to see: a year (None: all), filter text, a sort."""

    year: int | None = None
    needle: str = ""
    sort: str = ""
    descending: bool = False

    def shows(self, form: Form, haystack: str | None = None) -> bool:
        if self.year is not None and form.year != self.year:
            return False
        needle = self.needle.strip()
        if not needle:
            return True
        # Typed through an IME: full-width letters and digits should still match.
        return matches(form, needle, haystack) or matches(form, fold(needle), haystack)

    def shows_entry(self, entry: Entry) -> bool:
        """:meth:`shows` for a stored form, from its entry (its form need not have been read)."""
        if self.year is not None and entry.year != self.year:
            return False
        needle = self.needle.strip().casefold()
        if not needle:
            return True
        haystack = entry.haystack
        return needle in haystack or fold(needle).casefold() in haystack


@dataclass(frozen=True)
class Selection:
    """The rows a view shows, and the totals over exactly those rows."""

    view: View
    entries: tuple[Entry, ...]
    totals: Totals
    all_forms: int  # in the chosen year, before the filter: "3 of 8"
    draft: Form | None = None  # totals include this unsaved draft
    incomplete: tuple[Entry, ...] = ()  # the shown entries with errors, in order
    checked: bool = True  # False: a quick selection before the forms were checked (no incomplete yet)
    progress: ProgressTotals = ProgressTotals()  # the shown forms' 监控 and 自评 at a glance
    count: int | None = None  # how many forms it shows, when ``entries`` holds only the first of them (a preview)

    @property
    def shown(self) -> int:
        """How many forms the view shows (``entries`` may be only the first of them)."""
        return len(self.entries) if self.count is None else self.count


def _sort_key(column: str):
    text = lambda value: (value == "", pinyin_key(value))  # by pinyin, as people look names up; blanks last
    keys = {
        "name": lambda e: text(e.name),
        "year": lambda e: (e.year is None, e.year or 0),
        "department": lambda e: text(e.department),
        "unit": lambda e: text(e.unit),
        "fiscal": lambda e: (e.fiscal is None, e.fiscal or Decimal(0)),
        "indicators": lambda e: e.indicator_count,
        "status": lambda e: (e.errors, e.warnings),
    }
    return keys[column]


def _newest_year_first(entry: Entry) -> int:
    """The repository's order (model.sort_key) for an entry: newest year first, then as stored."""
    return -(entry.year or 0)


def _quick_totals(entries: Iterable[Entry]) -> Totals:
    """The amounts of the entries, before their forms are checked (no status: ``incomplete`` 0)."""
    return Totals.sum(entry._quick_totals() for entry in entries)


def _summary(entries: list[Entry], rules: Rules) -> tuple[Totals, tuple[Entry, ...], ProgressTotals]:
    """The totals, the incomplete entries and the 监控/自评 figures of ``entries``, in one pass (per keystroke).

    A form without 监控 or 自评 adds its 财政拨款 and counts as missing both
    (what ProgressTotals.of would count of its Progress): at fifty thousand
    forms read as columns that is fifty thousand Progress records (and forms
    for them) not made.
    """
    forms = indicators = bare = 0
    fiscal = other = total = bare_fiscal = ZERO
    incomplete: list[Entry] = []
    tracked: list[Progress] = []
    for entry in entries:
        row = entry.listed
        if row is None:  # a form from a file not checked yet
            part = entry.totals
            indicators += part.indicators
            fiscal, other, total = fiscal + part.fiscal, other + part.other, total + part.total
            amount, errors = part.fiscal, entry.errors
        else:
            indicators += row.indicators
            amount, errors = row.fiscal, row.errors
            if amount is not None:
                fiscal += amount
            if row.other is not None:
                other += row.other
            if row.total is not None:
                total += row.total
        forms += 1
        if errors:
            incomplete.append(entry)
        if entry.monitoring is not None or entry.evaluation is not None or entry._progress is not None:
            tracked.append(entry.progress)
        else:
            bare += 1
            if amount is not None:
                bare_fiscal += amount
    progress = ProgressTotals.of(tracked, rules)
    if bare:
        progress = replace(
            progress, forms=progress.forms + bare, fiscal=progress.fiscal + bare_fiscal,
            without_monitoring=progress.without_monitoring + bare, without_evaluation=progress.without_evaluation + bare,
        )
    return Totals(forms, indicators, fiscal, other, total, len(incomplete)), tuple(incomplete), progress


def _widths(entries: Iterable[Entry], at_least: Mapping[str, int] | None = None) -> dict[str, int]:
    """The display widths of the widest 项目名称, 主管部门 and 实施单位 of ``entries`` (or ``at_least``)."""
    from perftui.text.width import width

    entries = list(entries)
    widths = {}
    for key in ("name", "department", "unit"):
        # Units repeat: each distinct text measured once.
        found = max((width(text) for text in {getattr(entry, key) for entry in entries}), default=0)
        widths[key] = max(found, (at_least or {}).get(key, 0))
    return widths


#: Asks the server which live forms' search texts (model.search_text, its ``search`` column)
#: contain any of these needles: their ids. For entries read as columns, which hold no search text.
Search = Callable[[Sequence[str]], Iterable[str]]


def _needles(view: View) -> tuple[str, str] | None:
    """What the filter looks for: the text as typed and full-width folded, casefolded (None: no filter)."""
    needle = view.needle.strip().casefold()
    return (needle, fold(needle).casefold()) if needle else None


@dataclass(frozen=True)
class Catalog:
    """Every live form (as entries, in stored order) and the deleted forms.

    ``token`` is the store's token of the reading the entries come from, when
    they were read as columns (the next reading then asks only what changed
    since). Such entries hold no search text (fifty thousand of them would
    be a third of the app's memory): a filter asks the server through
    ``search`` once per filter text (:meth:`needs_search`, :meth:`run_search`,
    in a worker), and entries read since then match their own text.
    """

    entries: tuple[Entry, ...] = ()
    deleted: tuple[Form, ...] = ()
    records: Records = field(default=NO_RECORDS, compare=False)
    rules: Rules = field(default=DEFAULT_RULES, compare=False)
    token: Hashable | None = field(default=None, compare=False)
    search: Search | None = field(default=None, compare=False, repr=False)
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # select() per view, without a draft: a draft then costs two subtractions, not
    # a re-sum; and the years, under the key "years". The catalog never changes, so neither do they.
    _selections: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self._index and self.entries:
            self._index.update({entry.id: n for n, entry in enumerate(self.entries)})

    @classmethod
    def build(
        cls,
        forms: Iterable[Form],
        deleted: Iterable[Form] = (),
        previous: Catalog | None = None,
        records: Records = NO_RECORDS,
        rules: Rules = DEFAULT_RULES,
    ) -> Catalog:
        """Entries for ``forms``, keeping what ``previous`` computed for forms (and records) that did not change.

        The entries hold the forms just read, not the previous ones: those
        would keep the texts of the file read before alive beside the new
        file's, doubling the memory after every save by another operator.
        """
        known = {entry.stamp: entry for entry in previous.entries} if previous else {}
        entries = []
        for form in forms:
            monitoring, evaluation = records.of(form.id)
            old = known.get(_stamp(form.id, form.revision, form.updated_at, monitoring, evaluation))
            entries.append(Entry(form, monitoring, evaluation, rules) if old is None else old.with_form(form))
        return cls(tuple(entries), tuple(deleted), records, rules)

    @classmethod
    def of_listed(
        cls,
        rows: Iterable[Listed],
        deleted: Iterable[Form] = (),
        records: Records = NO_RECORDS,
        rules: Rules = DEFAULT_RULES,
        *,
        forms: Mapping[str, Form] | None = None,
        haystacks: Mapping[str, str] | None = None,
        previous: Catalog | None = None,
        token: Hashable | None = None,
        search: Search | None = None,
        carry_found: bool = False,
        loader: Callable[[str], Form | None] | None = None,
    ) -> Catalog:
        """Entries read as columns (``rows``, in stored order), put in the repository's order.

        ``forms``: the forms read beside them (those with 监控 or 自评: scoring
        needs the form). ``haystacks``: search texts read with them. An entry
        of ``previous`` for the same stored revision (and records) is kept,
        with what it computed. ``carry_found``: the filter's answers from the
        server for ``previous`` still hold for every entry that holds no search
        text of its own (the entries read since hold theirs).
        """
        forms = forms or {}
        haystacks = haystacks or {}
        entries = []
        for row in rows:
            monitoring, evaluation = records.of(row.id)
            old = previous.get(row.id) if previous is not None else None
            if old is not None and not old.same_as(row, monitoring, evaluation):
                old = None
            form = forms.get(row.id)
            if old is not None and (form is None or old.form is form):
                old.loader = loader  # the snapshot just read: the one read before may go
                entries.append(old)
                continue
            entry = Entry(form, monitoring, evaluation, rules, listed=row, haystack=haystacks.get(row.id), loader=loader)
            if old is not None:
                entry._haystack = entry._haystack or old._haystack
            entries.append(entry)
        entries.sort(key=_newest_year_first)  # stable: as stored within a year
        catalog = cls(tuple(entries), tuple(deleted), records, rules, token, search)
        if carry_found and previous is not None:
            catalog._carry_found(previous)
        widths = previous._selections.get("widths") if previous is not None else None
        if widths is not None:
            # Measured again only for the entries that are new: another operator's save must not
            # cost measuring fifty thousand names on the UI thread. (A column may stay a little
            # wide after its widest form went: the next full reading measures afresh.)
            kept = {id(entry) for entry in previous.entries}
            fresh = [entry for entry in entries if id(entry) not in kept]
            catalog._selections["widths"] = _widths(fresh, widths)  # type: ignore[arg-type]
        return catalog

    def warm(self) -> None:
        """Compute every entry's findings, search text and 监控/自评 figures now (in a worker), not at a keystroke."""
        for entry in self.entries:
            if entry.listed is None:
                # Checked once: from now on the entry answers as if read as columns.
                entry.listed = listed(entry.form, entry._check())  # type: ignore[arg-type]
            if entry.form is not None or entry.loader is not None:
                entry.haystack  # from a file, parsed again from the snapshot: after the first paint
            if entry.has_records:
                entry.progress
        if "widths" not in self._selections:
            self._selections["widths"] = _widths(self.entries)
        self._selections["warm"] = True

    #: Entries measured for :meth:`text_widths` before the reading worker has measured them all.
    SAMPLE = 1000

    def text_widths(self) -> dict[str, int]:
        """The display width of the widest 项目名称, 主管部门 and 实施单位: how wide the list's
        columns would like to be. Measured once per catalog (by the reading worker: ten thousand
        forms take ~50 ms); until then, from the first :data:`SAMPLE` entries, not kept."""
        known = self._selections.get("widths")
        if known is not None:
            return dict(known)  # type: ignore[call-overload]
        entries = self.entries if self._selections.get("warm") is not None or len(self.entries) <= self.SAMPLE \
            else self.entries[: self.SAMPLE]
        widths = _widths(entries)
        if entries is self.entries:
            self._selections["widths"] = widths  # type: ignore[index]
        return dict(widths)

    @property
    def warmed(self) -> bool:
        """Has every entry been checked and its search text found, and the list's widths measured?"""
        if not self._selections.get("warm"):
            if "widths" not in self._selections and len(self.entries) > self.SAMPLE:
                return False  # measured by warm(), in the reading worker
            served = self.search is not None
            if not all(entry.checked and (entry._haystack is not None or served) for entry in self.entries):
                return False
            self._selections["warm"] = True
        return True

    def _checked(self) -> bool:
        """Is every entry's status known? At once for entries read as a server's columns."""
        known = self._selections.get("checked")
        if known is None:
            known = self._selections["checked"] = all(entry.checked for entry in self.entries)
        return bool(known)

    # -- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, form_id: str) -> Entry | None:
        index = self._index.get(form_id)
        return None if index is None else self.entries[index]

    def index_of(self, form_id: str) -> int:
        return self._index[form_id]

    def replaced(self, entries: list[Entry], records: Records, token: Hashable | None) -> Catalog:
        """This catalog with ``entries`` (the same forms in the same order, some of them read again), as of ``token``.

        What the list measured is kept, and measured again only for the entries that are new.
        """
        catalog = Catalog(tuple(entries), self.deleted, records, self.rules, token, self.search, dict(self._index))
        catalog._carry_found(self)
        widths = self._selections.get("widths")
        if widths is not None:
            fresh = [new for new, old in zip(entries, self.entries) if new is not old]
            catalog._selections["widths"] = _widths(fresh, widths)  # type: ignore[arg-type]
        return catalog

    def years(self) -> list[int]:
        years = self._selections.get("years")  # type: ignore[call-overload]
        if years is None:
            years = sorted({e.year for e in self.entries if e.year is not None}, reverse=True)
            self._selections["years"] = years  # type: ignore[index]
        return list(years)

    def same_as(self, other: Catalog) -> bool:
        """Nothing to redraw: the same stored revisions of the same forms, and the same deleted forms."""
        return (
            len(self.entries) == len(other.entries)
            and all(a is b or a.stamp == b.stamp for a, b in zip(self.entries, other.entries))
            and self.deleted == other.deleted
        )

    def last_saved_by(self, user: str) -> Entry | None:
        """The live form ``user`` (an OS user; over SSH recorded as user@address) saved last."""
        mine = [entry for entry in self.entries if entry.updated_at and entry.updated_by.split("@", 1)[0] == user]
        return max(mine, key=lambda entry: entry.updated_at, default=None)

    def has_identity(self, identity: tuple) -> bool:
        return any(entry.identity == identity for entry in self.entries)

    def select(
        self, view: View, draft: tuple[Form | None, Form | None] | None = None, *, quick: bool = False
    ) -> Selection:
        """The entries ``view`` shows, ordered, with their totals.

        ``draft`` is (original, draft) from an editor: the totals are as they
        would be if the draft were saved (the original, when shown, is taken
        out and the draft, when the view would show it, put in).

        ``quick``: while the forms have not all been checked yet (the app's
        first paint, before its worker has warmed the catalog), a selection
        with the rows and the amounts but no incomplete forms (``checked`` is
        False), instead of checking ten thousand forms on the UI thread.
        """
        if self.needs_search(view):
            self.run_search(view)  # asked on this thread only when the caller did not ask first (in a worker)
        if not self.warmed:
            if quick and (draft is None or draft[1] is None):
                # The first paint: with the status where it is known already (a server's columns).
                return self._select(view, checked=self._checked())
            self.warm()
        base = self._selections.get(view)
        if base is None:
            base = self._selections[view] = self._select(view)
        if draft is None or draft[1] is None:
            return base
        original, draft_form = draft
        totals = base.totals
        if original is not None:
            stored = self.get(original.id)
            if stored is not None and self._shows(view, stored):
                totals -= stored.totals
        if view.shows(draft_form):
            totals += Totals.of(draft_form)
        return replace(base, totals=totals, draft=draft_form)

    def _select(self, view: View, checked: bool = True) -> Selection:
        in_year = list(self.entries) if view.year is None else [e for e in self.entries if e.year == view.year]
        needles = _needles(view)
        if needles is None:
            shown = in_year
        elif self.search is None:
            # model.matches on the search text kept with each entry, inlined: this runs per keystroke.
            needle, folded = needles
            shown = [e for e in in_year if needle in e.haystack or folded in e.haystack]
        else:
            shown = [e for e in in_year if self._matches(needles, e)]
        if view.sort:
            shown.sort(key=_sort_key(view.sort), reverse=view.descending)
        elif view.descending:
            shown.reverse()
        if not checked:
            return Selection(view, tuple(shown), _quick_totals(shown), len(in_year), None, (), checked=False)
        totals, incomplete, progress = _summary(shown, self.rules)
        return Selection(view, tuple(shown), totals, len(in_year), None, incomplete, progress=progress)

    # -- the filter on a server -------------------------------------------------

    def needs_search(self, view: View) -> bool:
        """Must the server be asked which forms ``view``'s filter text matches (not asked yet)?"""
        needles = _needles(view)
        return needles is not None and self.search is not None and ("found", needles[0]) not in self._selections

    def run_search(self, view: View) -> None:
        """Ask the server (in a worker): the ids its filter text matches are kept for :meth:`select`."""
        needles = _needles(view)
        if needles is None or self.search is None:
            return
        self._selections[("found", needles[0])] = frozenset(self.search(needles))

    def _matches(self, needles: tuple[str, str], entry: Entry) -> bool:
        if entry._haystack is not None or entry.form is not None:  # read since the server was asked
            haystack = entry.haystack
            return needles[0] in haystack or needles[1] in haystack
        return entry.id in self._selections[("found", needles[0])]  # type: ignore[operator]

    def _shows(self, view: View, entry: Entry) -> bool:
        if view.year is not None and entry.year != view.year:
            return False
        needles = _needles(view)
        if needles is None:
            return True
        if self.search is None:
            return view.shows_entry(entry)
        return self._matches(needles, entry)

    def _carry_found(self, previous: Catalog) -> None:
        for key, found in previous._selections.items():
            if isinstance(key, tuple) and key[0] == "found":
                self._selections[key] = found

    # -- changing (each returns a new catalog) ------------------------------

    def _changed(self, entries: Iterable[Entry], deleted: tuple[Form, ...], records: Records | None = None) -> Catalog:
        catalog = Catalog(
            tuple(entries), deleted, self.records if records is None else records, self.rules, self.token, self.search
        )
        catalog._carry_found(self)
        return catalog

    def with_form(self, form: Form) -> Catalog:
        """The catalog after ``form`` was stored (new, changed or restored)."""
        entry = Entry.of(form, self.records, self.rules)
        entry.totals, entry.haystack  # checked now: one form, and the summary shows it at once
        entries = list(self.entries)
        index = self._index.get(form.id)
        if index is None:
            # Where the repository would list it: after the forms of its year.
            position = next((n for n, e in enumerate(entries) if (e.year or 0) < (form.year or 0)), len(entries))
            entries.insert(position, entry)
        else:
            entries[index] = entry
        deleted = tuple(f for f in self.deleted if f.id != form.id)
        return self._changed(entries, deleted)

    def without(self, form: Form) -> Catalog:
        """The catalog after ``form`` was deleted (it joins the deleted forms)."""
        entries = tuple(e for e in self.entries if e.id != form.id)
        deleted = (form, *(f for f in self.deleted if f.id != form.id))
        return self._changed(entries, deleted)

    def with_record(self, record: Monitoring | Evaluation) -> Catalog:
        """The catalog after a form's 监控 or 自评 was stored."""
        records = self.records.with_record(record)
        index = self._index.get(record.form_id)
        entries = list(self.entries)
        if index is not None:
            entries[index] = entries[index].with_records(records)
        return self._changed(entries, self.deleted, records)


def copy_for_year(form: Form, year: int, catalog: Catalog, suffix: str) -> Form:
    """A new form with ``form``'s content filed for ``year`` (not yet stored).

    When that year already has a form of the same name and unit, the copy's
    name gets ``suffix`` (a template with ``{n}``: "", then 2, 3...), so an
    import never mistakes one for the other.
    """
    copy = replace(form, id=Form().id, revision=0, year=year, updated_at="", updated_by="")
    number = 1
    while catalog.has_identity(copy.identity):
        copy = replace(copy, name=form.name + suffix.format(n="" if number == 1 else number))
        number += 1
    return copy
