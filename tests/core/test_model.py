"""Form records: documents in and out, search text."""

import pytest

from perftui.core.model import Form, Indicator, matches, search_text


def test_matches_looks_in_id_name_units_and_indicator_text_but_not_across_fields():
    form = Form(id="abc123def456", name="研究院经费", unit="某中心", indicators=(Indicator("产出指标", "数量指标", "人数", "≥7人"),))
    for needle in ("ABC123", "研究院", "中心", "人数", "≥7", "  经费 "):
        assert matches(form, needle)
    assert not matches(form, "经费某")  # the end of the name and the start of the unit
    assert matches(form, "")
    assert search_text(form) == search_text(form).casefold()


def test_a_document_that_is_not_a_form_is_refused():
    good = Form(name="x", indicators=(Indicator("a", "b", "c", "d"),)).to_doc()
    assert Form.from_doc(good).indicators[0].value == "d"
    for broken in (
        good | {"indicators": [["a", "b", "c"]]},
        good | {"indicators": [["a", "b", "c", 5]]},
        good | {"name": 7},
        good | {"year": "2024"},
        good | {"funding": {"period": {}, "annual": {"total": "abc"}}},
        good | {"funding": {"period": {}, "annual": {"total": "NaN"}}},
        {k: v for k, v in good.items() if k != "goals"},
    ):
        with pytest.raises((KeyError, TypeError, ValueError, ArithmeticError)):
            Form.from_doc(broken)
