"""Every real published form imports with its year, name, annual 金额 and 财政拨款 (expected.tsv).

The same forms as .docx and .xlsx (built with the official tables' merges),
and the seed as .docx, .xlsx and .pdf, give exactly what their text gives.
"""

from __future__ import annotations

import re

import pytest

from perftui.core import findings
from perftui.core.money import total
from perftui.importing.sources import read_forms
from perftui.importing.text import FormatError
from tests.conftest import SEED_FISCAL_TOTAL, SEED_FORMS, SEED_INDICATORS
from tests.importing import builders
from tests.importing.conftest import REAL_FORMS, Expected, real_form_params


def read(form: Expected, path=None):
    """The file's forms, each imported alone as an operator would: no --year (two older Hunan
    forms name their year only in the project's name, "2018年…", which is read as the last resort)."""
    return read_forms(path or form.path).forms


def same_project(name: str, project: str) -> bool:
    """expected.tsv names two projects with a note in brackets that their table does not carry
    (小学教育公用经费(临邑县师范附属小学): the school is the form's 主管部门; (县级配套) is from
    the page's narrative): the table's name, and nothing else, must be read."""
    return name == project or (project.startswith(name + "(") and project.endswith(")"))


def comparable(forms):
    return [form.to_doc() | {"id": ""} for form in forms]


@pytest.mark.parametrize("form", real_form_params())
def test_each_real_form_imports_with_its_year_name_and_annual_funding(form: Expected):
    (found,) = read(form)
    assert found.year == form.year
    assert same_project(found.name, form.project)
    assert found.annual_funding.total == form.annual_total
    assert found.annual_funding.fiscal == form.annual_fiscal
    if form.period_total is not None:
        assert found.period_funding.total == form.period_total
    if form.complete:
        assert len(found.indicators) == form.rows
    else:
        # As far as the text goes, and flagged incomplete (the rows it lacks are missing).
        assert len(found.indicators) == form.rows
        assert not findings.is_complete(findings.check(found))


@pytest.mark.parametrize("form", real_form_params())
def test_amounts_keep_the_precision_they_were_written_with(form: Expected):
    (found,) = read(form)
    if form.annual_total is not None:
        written = str(form.annual_total)
        assert str(found.annual_funding.total).rstrip("0").rstrip(".") == written.rstrip("0").rstrip(".")
        assert len(str(found.annual_funding.total).partition(".")[2]) <= 6


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("form", real_form_params())
def test_the_same_form_as_docx_or_xlsx_gives_what_its_text_gives(form: Expected, kind, tmp_path):
    built = getattr(builders, f"write_{kind}")(form.text, tmp_path / f"{form.path.stem}.{kind}")
    assert comparable(read(form, built)) == comparable(read(form))


def test_a_year_in_the_document_wins_over_the_one_given():
    dated = [form for form in REAL_FORMS if form.id == "01"]
    if not dated:
        pytest.skip("shared/real-forms not found beside the repository")
    (found,) = read_forms(dated[0].path, year=1999).forms
    assert found.year == dated[0].year == 2025


# -- the seed ---------------------------------------------------------------------------------


def _seed_checks(forms):
    assert len(forms) == SEED_FORMS
    assert sum(len(form.indicators) for form in forms) == SEED_INDICATORS
    assert total(form.annual_funding.fiscal for form in forms) == SEED_FISCAL_TOTAL


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_seed_as_docx_or_xlsx_gives_exactly_what_its_text_gives(kind, seed_text, seed_path, tmp_path):
    built = getattr(builders, f"write_{kind}")(seed_text, tmp_path / f"seed.{kind}")
    forms = read_forms(built).forms
    _seed_checks(forms)
    assert comparable(forms) == comparable(read_forms(seed_path).forms)


def test_the_seed_as_pdf_gives_what_its_text_gives(seed_text, seed_path, tmp_path):
    built = builders.write_pdf(seed_text, tmp_path / "seed.pdf")
    forms = read_forms(built).forms
    _seed_checks(forms)

    def no_spaces_in_goals(doc):
        # A PDF keeps no space where a line of a cell was broken: goals are compared without spaces.
        goals = {scope: re.sub(r"\s+", "", text) for scope, text in doc["goals"].items()}
        return doc | {"goals": goals}

    assert [no_spaces_in_goals(d) for d in comparable(forms)] == [
        no_spaces_in_goals(d) for d in comparable(read_forms(seed_path).forms)
    ]
