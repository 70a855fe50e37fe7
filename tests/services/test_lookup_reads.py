"""A lookup's read of a file (``Repository.open(..., lazy=True)``, as the CLI's lookups open it):
only the fields a total or a name lookup needs are decoded; answers and refusals are those of a full read."""

from __future__ import annotations

import json

import pytest

import storage
from perftui.services.repository import Repository
from storage import fileformat


@pytest.fixture
def stored(tmp_path, seed_forms):
    path = tmp_path / "forms.json"
    Repository.open(path, backups_keep=None).import_forms(seed_forms)
    return path


def rewrite(path, change) -> None:
    """Change the stored documents as an editor by hand might, keeping perftui's line layout."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(list(data["forms"].values()))
    path.write_bytes(fileformat.encode(data))


def both(path):
    return Repository.open(path, read_only=True), Repository.open(path, read_only=True, lazy=True)


def test_a_lookup_read_gives_what_a_full_read_gives(stored):
    def odd(docs):
        docs[0]["funding"]["annual"] = ""  # falsy: read as no amounts
        docs[1]["unknown"] = {"kept": [1, 2]}  # unknown fields are ignored
        docs[2]["funding"]["annual"].pop("other")  # an absent amount is none
        docs[3]["deleted_at"] = "2024-05-01T09:00:00+08:00"
        docs[4]["year"] = None

    rewrite(stored, odd)
    full, lazy = both(stored)
    assert lazy.funded() == full.funded() and len(lazy.funded()) == 7
    assert lazy.funded(2024) == full.funded(2024)
    for query in ("劳务", "经费", stored.name, "0"):
        assert lazy.lookup(query) == full.lookup(query)
        assert lazy.lookup(query, include_deleted=True) == full.lookup(query, include_deleted=True)
    assert lazy.forms() == full.forms()


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: doc.update(year="2024"),
        lambda doc: doc.update(unit=None),
        lambda doc: doc.pop("department"),
        lambda doc: doc.update(indicators={}),
        lambda doc: doc["funding"]["annual"].update(fiscal=12.5),
        lambda doc: doc["funding"]["annual"].update(fiscal="1e999"),
        lambda doc: doc["funding"].update(annual=["x"]),
    ],
    ids=["year-text", "unit-null", "no-department", "rows-not-a-list", "amount-a-number", "amount-huge", "annual-a-list"],
)
def test_a_total_of_a_damaged_form_is_refused_as_a_full_read_refuses_it(stored, damage):
    rewrite(stored, lambda docs: damage(docs[5]))
    messages = []
    for repository in both(stored):
        with pytest.raises(storage.DamagedFileError) as caught:
            repository.funded()
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_a_name_lookup_of_a_damaged_form_is_refused_as_a_full_read_refuses_it(stored):
    rewrite(stored, lambda docs: docs[2].update(name=["not", "text"]))
    messages = []
    for repository in both(stored):
        with pytest.raises(storage.DamagedFileError) as caught:
            repository.lookup("经费")
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_a_lookup_read_changes_nothing(stored):
    _full, lazy = both(stored)
    with pytest.raises((RuntimeError, storage.ReadOnlyError)):
        lazy.save(lazy.forms()[0].evolve(annual_goal="改"))
    writable = Repository.open(stored, backups_keep=None, lazy=True)
    before = stored.read_bytes()
    with pytest.raises(RuntimeError):
        writable.save(writable.forms()[0].evolve(annual_goal="改"))
    assert stored.read_bytes() == before


def test_a_form_whose_line_is_not_usable_json_is_said_to_be_damaged_when_shown(stored):
    from perftui.text.errors import damage_text

    rewrite(stored, lambda docs: docs[2].update(goals={"period": "x", "annual": 0}))
    stored.write_bytes(stored.read_bytes().replace(b'"annual":0}', b'"annual":1e999}'))  # beyond a double
    _full, lazy = both(stored)
    assert lazy.funded()  # a total reads no goal
    with pytest.raises(storage.DamagedFileError) as caught:
        lazy.forms()
    assert damage_text(caught.value.reason) == damage_text("not valid JSON")  # said as any file that is not JSON
