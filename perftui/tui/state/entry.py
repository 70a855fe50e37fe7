"""One live form as the home screen's list and summary see it, and the 监控/自评 records beside it.

An :class:`Entry` is read either from the form itself (a JSON file) or from a
database server's columns (:class:`perftui.core.listing.Listed`); either way
it answers the same questions. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from perftui.core import findings as _findings
from perftui.core.evaluation import Evaluation
from perftui.core.listing import Listed, listed
from perftui.core.model import Form, Funding, search_text
from perftui.core.monitoring import Monitoring
from perftui.core.progress import Progress, progress_of
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.totals import ZERO, Totals

__all__ = ["Records", "NO_RECORDS", "Entry"]


@dataclass(frozen=True)
class Records:
    """The 监控 and 自评 of the live forms, by form id."""

    monitorings: Mapping[str, Monitoring] = field(default_factory=dict)
    evaluations: Mapping[str, Evaluation] = field(default_factory=dict)

    def of(self, form_id: str) -> tuple[Monitoring | None, Evaluation | None]:
        return self.monitorings.get(form_id), self.evaluations.get(form_id)

    def with_record(self, record: Monitoring | Evaluation) -> Records:
        if isinstance(record, Evaluation):
            return replace(self, evaluations={**self.evaluations, record.form_id: record})
        return replace(self, monitorings={**self.monitorings, record.form_id: record})


NO_RECORDS = Records()


class Entry:
    """One live form with what the list and the summary need from it.

    An entry stands for one stored revision of a form, read one of two ways:

    * from the form itself (a JSON file: the forms are read anyway), ``form``
      set. Checking a form and building its search text are the costly parts
      of reading ten thousand forms; the list draws only the rows on screen,
      so an entry computes its findings when its row (or the summary) first
      asks, and its search text when a filter first runs. The app's reading
      worker fills them in for every entry right after the first paint
      (:meth:`Catalog.warm`), so a keystroke does not pay for them either.
    * from a database server's columns (``listed``; ``form`` None unless
      the form was read for another reason): its status was counted by the
      server when the form was written, and its search text is the server's
      ``search`` column, fetched by :meth:`Catalog.warm`. The form itself is
      read only when the operator opens it.

    Either way the same questions get the same answers (``name``, ``errors``,
    ``totals``...). Once computed they never change.
    """

    __slots__ = (
        "form", "listed", "_findings", "_errors", "_warnings", "_haystack",
        "monitoring", "evaluation", "rules", "_progress", "loader",
    )

    def __init__(
        self,
        form: Form | None = None,
        monitoring: Monitoring | None = None,
        evaluation: Evaluation | None = None,
        rules: Rules = DEFAULT_RULES,
        *,
        listed: Listed | None = None,
        haystack: str | None = None,
        loader: Callable[[str], Form | None] | None = None,
    ) -> None:
        if form is None and listed is None:
            raise ValueError("an entry needs its form or its listed columns")
        self.form = form
        self.listed = listed
        self._findings: tuple[_findings.Finding, ...] | None = None
        self._errors = self._warnings = 0
        if listed is not None:
            self._errors, self._warnings = listed.errors, listed.warnings
        self._haystack = haystack
        #: The form's 监控 and 自评, and how they are scored; their figures on first use.
        self.monitoring, self.evaluation, self.rules = monitoring, evaluation, rules
        self._progress: Progress | None = None
        #: Reads the form of a listed entry from what the list was read from, in memory (a
        #: file's snapshot keeps each form as its line): None when only a server has it.
        self.loader = loader

    def at_hand(self) -> Form | None:
        """The form, when it needs no reading from disk or a server: held, or parsed from the list's snapshot.

        Not kept: ten thousand entries holding their forms were most of the app's memory.
        """
        if self.form is not None or self.loader is None:
            return self.form
        return self.loader(self.id)

    @classmethod
    def of(cls, form: Form, records: Records = NO_RECORDS, rules: Rules = DEFAULT_RULES) -> Entry:
        return cls(form, *records.of(form.id), rules)

    @classmethod
    def of_listed(
        cls, listed: Listed, records: Records = NO_RECORDS, rules: Rules = DEFAULT_RULES,
        form: Form | None = None, haystack: str | None = None,
    ) -> Entry:
        return cls(form, *records.of(listed.id), rules, listed=listed, haystack=haystack)

    # -- what a row shows ------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.listed.id if self.listed is not None else self.form.id  # type: ignore[union-attr]

    @property
    def revision(self) -> int:
        return self.listed.revision if self.listed is not None else self.form.revision  # type: ignore[union-attr]

    @property
    def year(self) -> int | None:
        return self.listed.year if self.listed is not None else self.form.year  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return self.listed.name if self.listed is not None else self.form.name  # type: ignore[union-attr]

    @property
    def department(self) -> str:
        return self.listed.department if self.listed is not None else self.form.department  # type: ignore[union-attr]

    @property
    def unit(self) -> str:
        return self.listed.unit if self.listed is not None else self.form.unit  # type: ignore[union-attr]

    @property
    def fiscal(self) -> Decimal | None:
        """年度财政拨款, exact as written (None: not filled in)."""
        return self.listed.fiscal if self.listed is not None else self.form.annual_funding.fiscal  # type: ignore[union-attr]

    @property
    def indicator_count(self) -> int:
        return self.listed.indicators if self.listed is not None else len(self.form.indicators)  # type: ignore[union-attr]

    @property
    def updated_at(self) -> str:
        return self.listed.updated_at if self.listed is not None else self.form.updated_at  # type: ignore[union-attr]

    @property
    def updated_by(self) -> str:
        return self.listed.updated_by if self.listed is not None else self.form.updated_by  # type: ignore[union-attr]

    @property
    def identity(self) -> tuple:
        return self.listed.identity if self.listed is not None else self.form.identity  # type: ignore[union-attr]

    def as_listed(self) -> Listed:
        """What a list shows of this form (from the form, checked, when it was not read from columns)."""
        if self.listed is not None:
            return self.listed
        return listed(self.form, self._check())  # type: ignore[arg-type]

    # -- status, totals, search ------------------------------------------------------------

    def _check(self) -> tuple[_findings.Finding, ...]:
        found = self._findings
        if found is None:
            if self.form is None:
                raise LookupError("the findings of a form read as columns need the form itself")
            found = tuple(_findings.check(self.form))
            self._errors, self._warnings = _findings.counts(found)
            self._findings = found
        return found

    @property
    def checked(self) -> bool:
        return self.listed is not None or self._findings is not None

    @property
    def findings(self) -> tuple[_findings.Finding, ...]:
        """Every finding (needs the form: a list shows only their counts, :attr:`errors` and :attr:`warnings`)."""
        return self._check()

    @property
    def errors(self) -> int:
        if self.listed is None:
            self._check()
        return self._errors

    @property
    def warnings(self) -> int:
        if self.listed is None:
            self._check()
        return self._warnings

    @property
    def totals(self) -> Totals:
        if self.listed is None:
            return Totals.of(self.form, self.errors > 0)  # type: ignore[arg-type]
        row = self.listed
        return Totals(1, row.indicators, row.fiscal or ZERO, row.other or ZERO, row.total or ZERO, int(row.errors > 0))

    def _quick_totals(self) -> Totals:
        """The amounts without the status (before the forms are checked)."""
        if self.listed is None:
            return Totals.of(self.form, False)  # type: ignore[arg-type]
        row = self.listed
        return Totals(1, row.indicators, row.fiscal or ZERO, row.other or ZERO, row.total or ZERO, 0)

    @property
    def has_haystack(self) -> bool:
        return self._haystack is not None or self.form is not None or self.loader is not None

    @property
    def haystack(self) -> str:
        """What the filter searches (model.search_text)."""
        if self._haystack is None:
            form = self.at_hand()
            if form is None:
                raise LookupError("a form read as columns holds no search text: the server is asked (Catalog.run_search)")
            self._haystack = search_text(form)
        return self._haystack

    @property
    def has_records(self) -> bool:
        return self.monitoring is not None or self.evaluation is not None

    @property
    def progress(self) -> Progress:
        """Its 监控 and 自评: money spent, score, what is missing."""
        if self._progress is None:
            self._progress = progress_of(self._form_for_progress(), self.monitoring, self.evaluation, self.rules)
        return self._progress

    def _form_for_progress(self) -> Form:
        if self.form is not None:
            return self.form
        # Read as columns and its form not read (a record saved since, the form read at the next
        # reading): what a form without records contributes is all the columns can say.
        row = self.listed
        assert row is not None
        return Form(
            id=row.id, revision=row.revision, year=row.year, name=row.name, department=row.department,
            unit=row.unit, annual_funding=Funding(row.total, row.fiscal, row.other),
        )

    def with_form(self, form: Form) -> Entry:
        """This entry for ``form``, the same stored revision read again: what was computed is kept."""
        entry = Entry(form, self.monitoring, self.evaluation, self.rules, listed=self.listed)
        entry._copy_computed(self)
        return entry

    def with_records(self, records: Records) -> Entry:
        """This entry with the form's 监控 and 自评 as ``records`` holds them now."""
        entry = Entry(self.form, *records.of(self.id), self.rules, listed=self.listed)
        entry._copy_computed(self)
        entry._progress = None
        return entry

    def _copy_computed(self, other: Entry) -> None:
        self._findings, self._errors, self._warnings = other._findings, other._errors, other._warnings
        self._haystack, self._progress = other._haystack, other._progress

    def same_as(self, row: Listed, monitoring: Monitoring | None, evaluation: Evaluation | None) -> bool:
        """Does this entry stand for the stored revision ``row`` (and these records)? :attr:`stamp` without making one."""
        return (
            self.revision == row.revision and self.updated_at == row.updated_at
            and _same_record(self.monitoring, monitoring) and _same_record(self.evaluation, evaluation)
        )

    @property
    def complete(self) -> bool:
        return self.errors == 0

    @property
    def stamp(self) -> tuple:
        """Equal stamps mean the same stored content (form and records), so what was computed can be reused."""
        return _stamp(self.id, self.revision, self.updated_at, self.monitoring, self.evaluation)


def _same_record(a: Monitoring | Evaluation | None, b: Monitoring | Evaluation | None) -> bool:
    if a is None or b is None:
        return a is b
    return a is b or (a.revision, a.updated_at) == (b.revision, b.updated_at)


def _stamp(
    form_id: str, revision: int, updated_at: str, monitoring: Monitoring | None = None, evaluation: Evaluation | None = None
) -> tuple:
    records = tuple((r.revision, r.updated_at) if r is not None else None for r in (monitoring, evaluation))
    return (form_id, revision, updated_at, records)
