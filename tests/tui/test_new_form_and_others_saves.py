"""A new form starts calm and with the operator's usual values; an open editor hears at once when
another operator saved or deleted its form."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from perftui.config import current_actor
from perftui.core.model import Form
from perftui.services.repository import Repository
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.state.catalog import Catalog

from .helpers import burst, notifications, started, wait_for

SIZE = (120, 36)
ROOT = Path(__file__).resolve().parents[2]
LABOUR = "研究院劳务派遣人员经费"


def shown_messages(screen) -> list[str]:
    return [str(m.content) for m in screen.query("FieldMessage") if m.has_class("-shown")]


def status(screen) -> str:
    return str(screen.query_one("#editor-status").content)


async def new_form(pilot) -> FormEditorScreen:
    burst(pilot.app, "n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormEditorScreen) and pilot.app.focused is not None,
                   what="the editor")
    return pilot.app.screen


async def test_a_new_form_says_to_fill_not_error_until_a_field_is_left_or_a_save_tried(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        screen = await new_form(pilot)
        await pilot.pause(0.3)
        assert shown_messages(screen) == []  # no red lines before anything is typed
        assert "待填" in status(screen) and "错误" not in status(screen)
        assert screen.query_one("#field-name").placeholder == "待填"
        burst(app, "<tab>", "<tab>", "<tab>")  # past 项目名称, left empty
        await wait_for(pilot, lambda: any("项目名称未填写" in m for m in shown_messages(screen)), what="its error")
        assert not any("主管部门" in m for m in shown_messages(screen))  # not reached yet: still calm
        assert "1个错误" in status(screen) and "待填" in status(screen)
        burst(app, "<ctrl+s>")  # a save tried: everything still empty is an error now
        await wait_for(pilot, lambda: any("年度目标未填写" in m for m in shown_messages(screen)), what="all errors")
        assert "待填" not in status(screen)


async def test_an_existing_form_shows_its_errors_at_once(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "/测试未完成", "<enter>", "<enter>")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen) and app.focused is not None,
                       what="the editor")
        await wait_for(pilot, lambda: any("年度目标未填写" in m for m in shown_messages(app.screen)), what="errors")


async def test_year_and_units_default_to_the_list_and_my_last_saved_form(seeded_db, seed_forms, make_app):
    me = current_actor().user
    repository = Repository.open(seeded_db)
    mine = repository.save(replace(seed_forms[2].evolve(id="mine-2025", revision=0, year=2025),
                                   department="我的主管部门", unit="我的实施单位"))
    assert mine.updated_by.split("@")[0] == me
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "y", "y")  # 全部 -> 2025 -> 2024
        await wait_for(pilot, lambda: app.home.view.year == 2024, what="2024 shown")
        screen = await new_form(pilot)
        values = {key: screen.query_one(f"#field-{key}").value for key in ("year", "department", "unit")}
    assert values == {"year": "2024", "department": "我的主管部门", "unit": "我的实施单位"}


def test_the_last_saved_form_is_the_operators_own():
    forms = [
        Form(name="a", updated_by="alice", updated_at="2024-03-01T10:00:00", unit="A1"),
        Form(name="b", updated_by="bob@10.0.0.2", updated_at="2024-03-02T10:00:00", unit="B"),
        Form(name="c", updated_by="alice@10.0.0.9", updated_at="2024-03-01T12:00:00", unit="A2"),
    ]
    catalog = Catalog.build(forms)
    assert catalog.last_saved_by("alice").unit == "A2"  # over SSH too (user@address)
    assert catalog.last_saved_by("carol") is None


async def test_an_open_editor_hears_at_once_that_another_operator_saved_its_form(seeded_db, make_app):
    app = make_app(seeded_db, poll_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "/劳务派遣", "<enter>", "<enter>", "<end>", "（我的）")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen)
                       and any(f.value.endswith("（我的）") for f in app.screen.query("#field-name")), what="my edit")
        form = Repository.open(seeded_db).lookup(LABOUR)[0]
        code = (
            "from perftui.services.repository import Repository; r = Repository.open(__import__('sys').argv[1]);"
            "f = r.get(__import__('sys').argv[2]); r.save(f.evolve(unit='另一个实施单位'))"
        )
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, str(seeded_db), form.id, env=env, stdout=subprocess.DEVNULL
        )
        assert await process.wait() == 0  # another operator's save, in another process
        await wait_for(pilot, lambda: "刚保存了" in notifications(app), what="the notice")
        assert "修订 2" in notifications(app)
        assert "他人已保存修订 2" in str(app.screen.query_one("#editor-title").content)
        assert app.screen.query_one("#field-name").value.endswith("（我的）")  # my edits stay
