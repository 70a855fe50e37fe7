"""Unsaved edits are kept on disk while typing and offered back at the next start."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from perftui.core.form_edit import field_texts
from perftui.core.model import Indicator
from perftui.services import unsaved
from perftui.services.repository import Repository
from perftui.services.unsaved import UnsavedEdits
from perftui.tui.dialogs.conflict import ConflictScreen
from perftui.tui.dialogs.recover import RecoverScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.screens.home import ProjectListScreen

from .helpers import burst, started, wait_for

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"


def labour(db_path):
    return Repository.open(db_path).lookup(LABOUR)[0]


def kept(db_path) -> list[UnsavedEdits]:
    return unsaved.found(db_path)


async def open_labour(pilot) -> FormEditorScreen:
    burst(pilot.app, "/劳务派遣", "<enter>", "<enter>")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormEditorScreen)
                   and getattr(pilot.app.focused, "name", None) == "name", what="the editor")
    return pilot.app.screen


async def test_typing_keeps_the_edits_and_saving_removes_them(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        assert kept(seeded_db) == []  # nothing typed yet
        burst(app, "<tab>", "<tab>", "<tab>", "<tab>", "<tab>", "100", "<tab>", "<tab>", "9a")
        await wait_for(pilot, lambda: kept(seeded_db), what="the recovery file")
        await wait_for(pilot, lambda: kept(seeded_db)[0].texts["funding.annual.fiscal"] == "9a", what="the newest edits")
        (edits,) = kept(seeded_db)
        assert edits.texts["funding.annual.total"] == "100"  # as typed, the unreadable "9a" too
        assert edits.base == labour(seeded_db) and edits.form_id == edits.base.id
        burst(app, "<ctrl+u>", "100", "<ctrl+s>")
        await wait_for(pilot, lambda: labour(seeded_db).revision == 2, what="the save")
        await wait_for(pilot, lambda: kept(seeded_db) == [], what="the recovery file removed")


async def test_discarding_removes_the_edits_and_the_grid_rows_are_kept_too(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        burst(app, "<f2>", "<end>", "a", "新指标", "<enter>", "≥5人", "<enter>")
        await wait_for(pilot, lambda: isinstance(app.screen, IndicatorGridScreen) and len(app.screen.rows) == 7,
                       what="the grid row")
        added = Indicator("满意度指标", "服务对象满意度指标", "新指标", "≥5人")
        # Kept as typed: the row may be kept once before its value is typed, then again.
        await wait_for(pilot, lambda: kept(seeded_db) and kept(seeded_db)[0].indicators[6:] == (added,),
                       what="the grid's rows kept")
        burst(app, "<ctrl+w>", "<ctrl+w>", "d")  # back to the editor, leave, discard
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectListScreen), what="the list")
        await wait_for(pilot, lambda: kept(seeded_db) == [], what="the recovery file removed")


async def test_quitting_and_discarding_removes_the_edits(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        burst(app, "<end>", "X")
        await wait_for(pilot, lambda: kept(seeded_db), what="the recovery file")
        burst(app, "<ctrl+q>", "d")
        await wait_for(pilot, lambda: app.return_code is not None, what="quitting")
    assert kept(seeded_db) == []


def keep_edits(db_path, form, **texts) -> UnsavedEdits:
    edits = UnsavedEdits(unsaved.database_key(db_path), form.id, form, field_texts(form) | texts, form.indicators)
    unsaved.keep(edits)
    return edits


async def test_the_next_start_restores_the_edits_into_the_editor(seeded_db, make_app):
    form = labour(seeded_db)
    keep_edits(seeded_db, form, **{"funding.annual.fiscal": "100", "funding.annual.total": "100"})
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen), what="the question")
        text = str(app.screen.query_one("#dialog-text").render())
        assert "2024年度" in text and "修改记于" in text
        assert LABOUR in str(app.screen.query_one("#dialog-title").render())
        burst(app, "r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen) and app.focused is not None,
                       what="the editor")
        assert app.screen.query_one("#field-funding-annual-fiscal").value == "100"
        burst(app, "<ctrl+s>")
        await wait_for(pilot, lambda: labour(seeded_db).revision == form.revision + 1, what="the save")
    assert labour(seeded_db).annual_funding.fiscal == Decimal("100")
    assert sum(f.annual_funding.fiscal for f in Repository.open(seeded_db).forms()) == Decimal("3129.56")
    assert kept(seeded_db) == []


async def test_edits_on_an_old_revision_go_through_the_conflict_dialog(seeded_db, make_app):
    form = labour(seeded_db)
    keep_edits(seeded_db, form, **{"funding.annual.fiscal": "100"})
    Repository.open(seeded_db).save(replace(form, unit="另一个实施单位"))  # someone else saved meanwhile
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen), what="the question")
        assert "已被" in str(app.screen.query_one("#dialog-text").render())
        burst(app, "r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict dialog")
        body = str(app.screen.query_one("#dialog-text").render())
        assert "另一个实施单位" in body and "年度财政拨款" in body
        burst(app, "k", "y")  # keep mine, yes: overwrite
        await wait_for(pilot, lambda: labour(seeded_db).revision == form.revision + 2, what="the save")
    stored = labour(seeded_db)
    assert stored.annual_funding.fiscal == Decimal("100") and stored.unit == form.unit


@pytest.mark.parametrize(("key", "left"), [("d", 0), ("<escape>", 1), ("l", 1)])
async def test_discard_or_ask_again_later(seeded_db, make_app, key, left):
    keep_edits(seeded_db, labour(seeded_db), name="改过")
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen), what="the question")
        burst(app, key)
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectListScreen), what="the list")
        await wait_for(pilot, lambda: len(kept(seeded_db)) == left, what="the recovery file")
    assert labour(seeded_db).name == LABOUR


async def test_a_new_form_never_saved_comes_back_with_its_id(seeded_db, make_app):
    edits = UnsavedEdits(unsaved.database_key(seeded_db), "newform0001", None,
                         {"year": "2025", "name": "断线前新建的表", "layout": "legacy"}, ())
    unsaved.keep(edits)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen), what="the question")
        assert "新表" in str(app.screen.query_one("#dialog-text").render())
        burst(app, "r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="the editor")
        burst(app, "<ctrl+s>")
        await wait_for(pilot, lambda: Repository.open(seeded_db).get("newform0001") is not None, what="the save")
    assert Repository.open(seeded_db).get("newform0001").name == "断线前新建的表"


async def test_read_only_keeps_and_offers_nothing(seeded_db, make_app):
    keep_edits(seeded_db, labour(seeded_db), name="改过")
    app = make_app(seeded_db, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        burst(app, "<end>", "X")
        await pilot.pause(0.3)
        assert not any(isinstance(s, RecoverScreen) for s in app.screen_stack)
    assert [e.name for e in kept(seeded_db)] == ["改过"]
