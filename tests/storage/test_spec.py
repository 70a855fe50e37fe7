"""The spec a caller opens a store with: its names are checked, and columns take values exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storage import Column, JsonFileStore, Queryable, StoreSpec, TableSpec


def test_column_values_are_exact_and_missing_is_none() -> None:
    fiscal = Column("fiscal", ("funding", "annual", "fiscal"), "numeric")
    doc = {"funding": {"annual": {"fiscal": "153.5184"}}}
    assert fiscal.value(doc) == Decimal("153.5184") and str(fiscal.value(doc)) == "153.5184"
    assert fiscal.value({"funding": {"annual": {"fiscal": "80.00"}}}).as_tuple().exponent == -2
    assert fiscal.value({"funding": {"annual": {"fiscal": ""}}}) is None
    assert fiscal.value({"funding": None}) is None and fiscal.value({}) is None
    assert fiscal.value({"funding": {"annual": {"fiscal": 12}}}) == Decimal(12)
    for bad in (1.5, "十", "NaN", "Infinity", ["1"]):
        with pytest.raises(ValueError):
            fiscal.value({"funding": {"annual": {"fiscal": bad}}})
    assert Column("n", ("rows",), "length").value({"rows": [1, 2]}) == 2
    assert Column("n", ("rows",), "length").value({}) == 0
    assert Column("gone", ("deleted_at",), "flag").value({"deleted_at": "2024-01-01"}) is True
    assert Column("gone", ("deleted_at",), "flag").value({"deleted_at": ""}) is False
    with pytest.raises(ValueError):
        Column("year", ("year",), "integer").value({"year": True})
    with pytest.raises(ValueError):
        Column("unit", ("unit",), "text").value({"unit": 3})


def test_names_and_types_are_checked_when_the_spec_is_made() -> None:
    for name in ("Year", "1year", "seq", "doc", "table", "a-b", ""):
        with pytest.raises(ValueError):
            Column(name, ("x",), "text")
    with pytest.raises(ValueError):
        Column("x", "year", "text")  # a path is keys, not one string
    with pytest.raises(ValueError):
        Column("x", ("x",), "float")
    with pytest.raises(ValueError):
        StoreSpec("My App")
    with pytest.raises(ValueError):
        StoreSpec("app", (TableSpec("a"), TableSpec("a")))
    with pytest.raises(ValueError):
        StoreSpec("app", (TableSpec("a", columns=(Column("x", ("x",), "text"),)),
                          TableSpec("b", columns=(Column("x", ("x",), "integer"),))))
    spec = StoreSpec("app", (TableSpec("a", revisioned=True), TableSpec("b")))
    assert spec.revisioned == {"a"} and spec.columns("nowhere") == ()


def test_a_file_store_answers_no_queries(tmp_path) -> None:
    # Callers ask isinstance(..., Queryable) and read the documents themselves otherwise.
    store = JsonFileStore(tmp_path / "db.json", app="contract", revisioned={"forms"})
    assert not isinstance(store.read(), Queryable)
    with store.transaction() as tx:
        assert not isinstance(tx, Queryable)
