"""The held-out set: other real published forms of the same layout families (tests/fixtures/more-real-forms).

Each is imported alone, as an operator would (no --year), and must give the year,
name, annual 金额 and 财政拨款, the 实施期 金额 where the form shows one, and the
indicator row count of its expected.tsv; a PARTIAL one imports as far as its text
goes and is flagged incomplete. As .docx and .xlsx (built with the official
tables' merges) each gives what its text gives.
"""

from __future__ import annotations

import pytest

from perftui.core import findings
from perftui.importing.sources import read_forms
from tests.importing import builders
from tests.importing.conftest import MORE_REAL_FORMS, Expected


def params():
    return [pytest.param(form, id=form.path.name[:2]) for form in MORE_REAL_FORMS]


def test_the_set_is_there():
    # Kept with the tests, unlike shared/real-forms: never skipped.
    assert len(MORE_REAL_FORMS) >= 8
    assert all(form.path.is_file() for form in MORE_REAL_FORMS)


@pytest.mark.parametrize("form", params())
def test_each_form_imports_alone_with_its_year_name_funding_and_rows(form: Expected):
    (found,) = read_forms(form.path).forms
    assert (found.year, found.name) == (form.year, form.project)
    assert found.annual_funding.total == form.annual_total
    assert found.annual_funding.fiscal == form.annual_fiscal
    if form.period_total is not None:
        assert found.period_funding.total == form.period_total
    assert len(found.indicators) == form.rows
    if not form.complete:
        assert not findings.is_complete(findings.check(found))


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("form", params())
def test_each_form_as_docx_or_xlsx_gives_what_its_text_gives(form: Expected, kind, tmp_path):
    built = getattr(builders, f"write_{kind}")(form.text, tmp_path / f"{form.path.stem}.{kind}")
    as_text = [f.to_doc() | {"id": ""} for f in read_forms(form.path).forms]
    assert [f.to_doc() | {"id": ""} for f in read_forms(built).forms] == as_text
