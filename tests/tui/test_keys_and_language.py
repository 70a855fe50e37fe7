"""Remapped keys, the English catalog, and no colour."""

from perftui import i18n
from perftui.config import Settings
from perftui.tui import keys
from perftui.tui.screens.help import HelpScreen, help_text

from .helpers import listed_names, notifications, started

SIZE = (120, 36)


def test_every_binding_has_a_unique_id_and_a_description():
    ids = [key.id for key in keys.KEYS]
    assert len(ids) == len(set(ids))
    assert all(key.description for key in keys.KEYS)
    # Esc alone is unreliable over SSH: a key that is Esc alone needs a twin
    # (same scope, same action) without Esc, like export.escape / export.cancel.
    # The filter box's Esc (clear and leave) is also ctrl+u then Enter (tested
    # in test_home), so it may stand alone.
    esc_only = [key for key in keys.KEYS if key.keys == "escape"]
    lone = [
        key.id
        for key in esc_only
        if not any(o.scope == key.scope and o.action == key.action and "escape" not in o.keys for o in keys.KEYS)
    ]
    assert lone == ["filter.cancel"] and "export.escape" in {key.id for key in esc_only}


async def test_config_keys_remap_bindings_by_id(with_incomplete, make_app):
    app = make_app(with_incomplete, settings=Settings(keys={"list.filter": "f,ctrl+f", "list.sort": "o"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("f", *"劳务", "enter")
        await pilot.pause()
        assert listed_names(app) == ["研究院劳务派遣人员经费"]
        await pilot.press("ctrl+u", "o")
        await pilot.pause()
        assert app.home.view.sort == "name"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    text = help_text({"list.filter": "f,ctrl+f"}).plain
    line = next(line for line in text.splitlines() if "list.filter" in line)
    assert "f / ^f" in line


async def test_unknown_key_ids_in_the_config_are_reported(with_incomplete, make_app):
    app = make_app(with_incomplete, settings=Settings(keys={"list.nonsense": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "list.nonsense" in notifications(app)


async def test_a_broken_config_file_is_reported_and_defaults_used(with_incomplete, make_app, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[keys\n", encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    app = make_app(with_incomplete, settings=None)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert str(config) in notifications(app)
        assert app.home.table.row_count == 9


async def test_english_labels_come_from_the_catalog(with_incomplete, make_app):
    i18n.set_locale("en")
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "Project name" in app.home.table.header_text("name")


async def test_without_colour_the_status_is_still_in_words(with_incomplete, make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.no_color
        table = app.home.table
        statuses = [table.row_texts(row)[-1] for row in range(table.row_count)]
        # In words, long or short as the width allows: 完整, 完整（1个提醒）or 1个提醒, 3个错误.
        assert sum(s.startswith("完整") or s == "1个提醒" for s in statuses) == 8
        assert any("1个提醒" in s for s in statuses) and any("3个错误" in s for s in statuses)
