"""Every key of the app in one table: its id, default keys, action and description.

One table serves four readers, so they can never disagree: the screens'
``BINDINGS`` (:func:`bindings`), the help screen (every key with its id), the
command palette (every action by name) and the operator's ``config.toml``
(``[keys]`` maps an id to other keys; applied with :meth:`App.set_keymap`).

Descriptions are msgids marked with ``N_`` and translated where they are
shown (the footer, :class:`perftui.tui.widgets.keys_footer.KeysFooter`; the
help screen; the palette): Textual reads ``BINDINGS`` when the class is
defined, before the CLI has chosen the language, and offers no public way to
change a node's bindings afterwards. For the same reason read-only mode keeps
the write keys bound (pressed, they say why nothing happens) and the footer
leaves them out.

No action depends on Esc alone: over a laggy SSH link Esc is ambiguous (it
starts every escape sequence), so each way out also has a letter or ctrl key.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from perftui.i18n import N_, gettext as _

# Scopes: which screen a key belongs to, in the order the help screen lists them.
APP, LIST, FILTER, VIEW, MODAL, PALETTE, ERROR = "app", "list", "filter", "view", "modal", "palette", "error"
HISTORY, VERSION, EXPORT, IMPORT = "history", "version", "export", "import"
EDITOR, GRID, TRACK = "editor", "grid", "track"
UNSAVED, CONFLICT, OVERWRITE, RECOVER = "unsaved", "conflict", "overwrite", "recover"
SCOPE_TITLES = {
    APP: N_("全局"),
    LIST: N_("表列表"),
    FILTER: N_("筛选框"),
    EDITOR: N_("表单编辑器"),
    GRID: N_("指标表格"),
    TRACK: N_("监控与自评"),
    UNSAVED: N_("有未保存的修改时"),
    CONFLICT: N_("保存冲突时"),
    OVERWRITE: N_("确认覆盖时"),
    RECOVER: N_("恢复上次未保存的修改时"),
    VIEW: N_("查看表"),
    HISTORY: N_("修改历史"),
    VERSION: N_("以前的修订"),
    EXPORT: N_("导出"),
    IMPORT: N_("导入"),
    MODAL: N_("对话框"),
    PALETTE: N_("命令面板"),
    ERROR: N_("出错时"),
}


@dataclass(frozen=True)
class Key:
    id: str
    keys: str  # Textual key names, comma-separated
    action: str
    description: str  # msgid
    scope: str
    show: bool = True  # in the footer
    palette: bool = True  # offered in the command palette
    priority: bool = False
    writes: bool = False  # changes the database: refused, with a message, in read-only mode


KEYS: tuple[Key, ...] = (
    Key("app.quit", "ctrl+q", "quit", N_("退出"), APP, priority=True),
    Key("app.help", "question_mark,f1", "help", N_("帮助"), APP),
    Key("app.palette", "ctrl+p", "command_palette", N_("命令"), APP, show=False, palette=False, priority=True),
    Key("list.open", "enter", "open_form", N_("打开"), LIST),
    Key("list.filter", "slash", "filter", N_("筛选"), LIST),
    Key("list.clear_filter", "ctrl+u", "clear_filter", N_("清除筛选"), LIST, show=False),
    Key("list.new", "n", "new_form", N_("新建"), LIST, writes=True),
    Key("list.copy", "c", "copy_form", N_("复制"), LIST, writes=True),
    Key("list.delete", "d", "delete_form", N_("删除"), LIST, writes=True),
    Key("list.undo", "u", "undo_delete", N_("撤销删除"), LIST, writes=True),
    Key("list.deleted", "D", "deleted_forms", N_("已删除的表"), LIST, show=False),
    Key("list.history", "h", "history", N_("修改历史"), LIST, show=False),
    Key("list.export", "e", "export", N_("导出"), LIST, show=False),
    Key("list.import", "I", "import_files", N_("导入文件"), LIST, show=False, writes=True),
    Key("list.year", "y", "next_year", N_("年度"), LIST),
    Key("list.sort", "s", "next_sort", N_("排序"), LIST),
    Key("list.reverse", "S", "reverse_sort", N_("倒序"), LIST, show=False),
    Key("list.incomplete", "i", "next_incomplete", N_("下一张不完整的表"), LIST, show=False),
    Key("list.reload", "ctrl+r", "reload", N_("重新读取数据库"), LIST, show=False),
    Key("list.indicators", "f2,ctrl+g", "indicators", N_("编辑指标"), LIST, show=False),
    # Out of the footer (full at 80 columns); the summary pane names them beside its 监控与自评 figures.
    Key("list.monitor", "m,f3", "monitor", N_("监控"), LIST, show=False),
    Key("list.evaluation", "v,f4", "evaluation", N_("自评"), LIST, show=False),
    Key("filter.cancel", "escape", "clear_and_leave", N_("清除筛选，回到列表"), FILTER, show=False, palette=False),
    Key("filter.done", "down", "leave", N_("保留筛选，回到列表（也可按 Enter）"), FILTER, show=False, palette=False),
    # The editor's own keys are priority bindings: they are seen in the order typed,
    # before the keys that follow reach a field (see FormEditorScreen._after_typing).
    Key("editor.save", "ctrl+s", "save", N_("保存"), EDITOR, priority=True, writes=True),
    Key("editor.indicators", "f2,ctrl+g", "indicators", N_("编辑指标"), EDITOR, priority=True),
    Key("editor.monitor", "f3", "monitor", N_("监控"), EDITOR, show=False, priority=True),
    Key("editor.evaluation", "f4", "evaluation", N_("自评"), EDITOR, show=False, priority=True),
    Key("editor.leave", "escape", "leave", N_("返回"), EDITOR, palette=False),
    # ctrl+w is "delete word" inside a text field; here it leaves, as everywhere in perftui.
    Key("editor.close", "ctrl+w", "leave", N_("返回"), EDITOR, show=False, priority=True),
    Key("editor.next-field", "tab", "next_field", N_("下一栏"), EDITOR, show=False, palette=False, priority=True),
    Key("editor.previous-field", "shift+tab", "previous_field", N_("上一栏"), EDITOR, show=False, palette=False,
        priority=True),
    Key("grid.save", "ctrl+s", "save", N_("保存"), GRID, writes=True),
    Key("grid.leave", "escape,ctrl+w,q", "leave", N_("返回"), GRID),
    # The rest are the table's (GRID_TABLE_KEYS): it handles its keys itself, in the
    # order typed (see grid/table.py), and these say which key means what.
    Key("grid.edit", "enter,f2", "edit", N_("编辑"), GRID),
    Key("grid.add", "a", "add", N_("添加"), GRID),
    Key("grid.delete", "d", "delete", N_("删除"), GRID),
    Key("grid.undo", "u", "undo", N_("撤销"), GRID),
    Key("grid.move-up", "ctrl+up,K", "move(-1)", N_("上移"), GRID),
    Key("grid.move-down", "ctrl+down,J", "move(1)", N_("下移"), GRID),
    Key("grid.up", "up", "cursor(-1, 0)", N_("上一行"), GRID, show=False, palette=False),
    Key("grid.down", "down", "cursor(1, 0)", N_("下一行"), GRID, show=False, palette=False),
    Key("grid.left", "left", "cursor(0, -1)", N_("左一格"), GRID, show=False, palette=False),
    Key("grid.right", "right", "cursor(0, 1)", N_("右一格"), GRID, show=False, palette=False),
    Key("grid.first", "home", "edge('first')", N_("第一行"), GRID, show=False),
    Key("grid.last", "end", "edge('last')", N_("最后一行"), GRID, show=False),
    Key("grid.page-up", "pageup", "cursor(-10, 0)", N_("上翻"), GRID, show=False, palette=False),
    Key("grid.page-down", "pagedown", "cursor(10, 0)", N_("下翻"), GRID, show=False, palette=False),
    # The 监控 and 自评 screens: like the grid, their tables handle their own keys
    # (TRACK_TABLE_KEYS) in the order typed.
    Key("track.save", "ctrl+s", "save", N_("保存"), TRACK, writes=True),
    Key("track.leave", "escape", "leave", N_("返回"), TRACK, palette=False),
    # ctrl+w deletes a word in a text field; here it leaves, as everywhere in perftui.
    Key("track.close", "ctrl+w", "leave", N_("返回"), TRACK, show=False, priority=True),
    # Tab moves on at once, as in the editor: the keys typed after it belong to the next table or field.
    Key("track.next-field", "tab", "next_field", N_("下一栏"), TRACK, show=False, palette=False, priority=True),
    Key("track.previous-field", "shift+tab", "previous_field", N_("上一栏"), TRACK, show=False, palette=False,
        priority=True),
    Key("track.edit", "enter", "edit", N_("编辑"), TRACK),
    Key("track.clear", "delete", "clear", N_("清空"), TRACK),
    Key("track.undo", "u", "undo", N_("撤销"), TRACK),
    Key("track.up", "up", "cursor(-1, 0)", N_("上一行"), TRACK, show=False, palette=False),
    Key("track.down", "down", "cursor(1, 0)", N_("下一行"), TRACK, show=False, palette=False),
    Key("track.left", "left", "cursor(0, -1)", N_("左一格"), TRACK, show=False, palette=False),
    Key("track.right", "right", "cursor(0, 1)", N_("右一格"), TRACK, show=False, palette=False),
    Key("track.first", "home", "edge('first')", N_("第一行"), TRACK, show=False),
    Key("track.last", "end", "edge('last')", N_("最后一行"), TRACK, show=False),
    Key("track.page-up", "pageup", "cursor(-10, 0)", N_("上翻"), TRACK, show=False, palette=False),
    Key("track.page-down", "pagedown", "cursor(10, 0)", N_("下翻"), TRACK, show=False, palette=False),
    # The editors' questions: a letter for every answer; Esc gives the safe one.
    Key("unsaved.save", "s", "choose('save')", N_("保存"), UNSAVED, palette=False, writes=True),
    Key("unsaved.discard", "d", "choose('discard')", N_("放弃修改"), UNSAVED, palette=False),
    Key("unsaved.stay", "c,escape", "choose('stay')", N_("继续编辑"), UNSAVED, palette=False),
    Key("conflict.reload", "r", "choose('reload')", N_("载入对方的版本"), CONFLICT, palette=False),
    Key("conflict.keep-mine", "k", "choose('overwrite')", N_("保留我的"), CONFLICT, palette=False, writes=True),
    Key("conflict.edit", "e,escape", "choose('edit')", N_("继续编辑"), CONFLICT, palette=False),
    Key("overwrite.yes", "y", "choose('yes')", N_("确认覆盖"), OVERWRITE, palette=False, writes=True),
    Key("overwrite.no", "n,escape", "choose('no')", N_("取消"), OVERWRITE, palette=False),
    # Edits kept when a session ended without saving (a dropped connection): Esc asks again next time.
    Key("recover.restore", "r", "choose('restore')", N_("恢复"), RECOVER, palette=False, writes=True),
    Key("recover.discard", "d", "choose('discard')", N_("放弃这些修改"), RECOVER, palette=False),
    Key("recover.later", "l,escape", "choose('later')", N_("下次再问"), RECOVER, palette=False),
    Key("view.close", "escape,q,ctrl+w", "close", N_("返回"), VIEW, palette=False),
    # The history list's own Enter previews; the id lets an operator add a key for it.
    Key("history.preview", "enter", "preview", N_("查看这个修订"), HISTORY),
    Key("version.revert", "r", "revert", N_("回退到这个修订"), VERSION, writes=True),
    # The export dialog has text boxes, so its keys are ctrl keys with priority.
    Key("export.save", "ctrl+s", "export", N_("导出到文件"), EXPORT, priority=True),
    Key("export.copy", "ctrl+y", "copy", N_("复制到剪贴板"), EXPORT, priority=True),
    Key("export.cancel", "ctrl+w", "cancel", N_("取消"), EXPORT, priority=True),
    Key("export.escape", "escape", "cancel", N_("取消"), EXPORT, show=False, palette=False),
    # The import screen has a year box, so its keys are ctrl keys with priority.
    Key("import.run", "ctrl+s", "run_import", N_("导入"), IMPORT, priority=True, writes=True),
    Key("import.cancel", "ctrl+w", "cancel", N_("取消"), IMPORT, priority=True),
    Key("import.escape", "escape", "cancel", N_("取消"), IMPORT, show=False, palette=False),
    # Not priority: in the folder and year boxes backspace deletes a character.
    Key("import.parent", "backspace", "parent_folder", N_("上一级文件夹"), IMPORT),
    # ctrl+s / ctrl+w / Esc also work while typing in a dialog's box (priority);
    # y / n only where there is nothing to type.
    Key("modal.ok", "ctrl+s", "confirm", N_("确定"), MODAL, palette=False, priority=True),
    Key("modal.cancel", "ctrl+w,escape", "cancel", N_("取消"), MODAL, palette=False, priority=True),
    Key("modal.yes", "y", "confirm", N_("是"), MODAL, show=False, palette=False),
    Key("modal.no", "n", "cancel", N_("否"), MODAL, show=False, palette=False),
    Key("palette.close", "ctrl+w", "escape", N_("关闭命令面板（也可按 Esc 或再按 ctrl+p）"), PALETTE, palette=False,
        priority=True),
    Key("error.retry", "r", "retry", N_("重试"), ERROR, palette=False),
    Key("error.backups", "b", "backups", N_("备份"), ERROR, palette=False),
)

BY_ID = {key.id: key for key in KEYS}
#: The grid's keys that belong to its table rather than to the screen.
GRID_TABLE_KEYS = frozenset(key.id for key in KEYS if key.scope == GRID) - {"grid.save", "grid.leave"}
#: The 监控 and 自评 screens' keys that belong to their tables.
TRACK_TABLE_KEYS = frozenset(key.id for key in KEYS if key.scope == TRACK) - {
    "track.save", "track.leave", "track.close", "track.next-field", "track.previous-field"
}
#: The ids of the keys that change the database.
WRITES = frozenset(key.id for key in KEYS if key.writes)


def bindings(
    *scopes: str, also: tuple[str, ...] = (), only: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()
) -> list[Binding]:
    """``BINDINGS`` for a screen, a widget or the app: the keys of ``scopes`` (and the ids in ``also``),
    narrowed to the ids in ``only`` (when given) and without those in ``exclude``."""
    return [
        Binding(key.keys, key.action, key.description, show=key.show, priority=key.priority, id=key.id)
        for key in KEYS
        if (key.scope in scopes or key.id in also)
        and (only is None or key.id in only)
        and key.id not in exclude
    ]


def label(key_id: str) -> str:
    """What the key with ``key_id`` does, in the current language (for messages)."""
    return _(BY_ID[key_id].description)


def keys_for(key: Key, keymap: dict[str, str]) -> str:
    """The keys that trigger ``key`` now: the operator's keymap, else the default."""
    return keymap.get(key.id, key.keys)


def shown(app, key_id: str) -> str:
    """The keys for ``key_id`` as the operator should press them now (after their keymap)."""
    return display(keys_for(BY_ID[key_id], getattr(app, "keymap", {})))


def first_shown(app, key_id: str) -> str:
    """The first key for ``key_id`` now, as pressed: for a button's label, where one key is enough."""
    return display(keys_for(BY_ID[key_id], getattr(app, "keymap", {})).split(",")[0])


#: Key names as printed on keyboards (and in Textual's footer: ``^↑``).
_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


def display(keys: str) -> str:
    """Key names as an operator reads them: ``question_mark,f1`` -> ``? / F1``, ``ctrl+up`` -> ``^↑``."""
    return " / ".join(_display_one(name.strip()) for name in keys.split(","))


def _display_one(name: str) -> str:
    prefix = ""
    if name.startswith("ctrl+"):
        prefix, name = "^", name[5:]
    elif name.startswith("shift+"):
        prefix, name = "Shift+", name[6:]
    if name in _KEY_NAMES:
        return prefix + _KEY_NAMES[name]
    if len(name) > 1 and name[0] == "f" and name[1:].isdigit():
        return prefix + name.upper()
    return prefix + name
