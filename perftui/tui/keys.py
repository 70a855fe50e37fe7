"""Every key of the app in one table: its id, default keys, action and description.

One table serves four readers, so they can never disagree: the screens'
``BINDINGS`` (:func:`bindings`), the help screen (every key with its id), the
command palette (every action by name) and the operator's ``config.toml``
(``[keys]`` maps an id to other keys; applied with :meth:`App.set_keymap`).

Descriptions are msgids marked with ``N_`` and translated when a screen is
built (:func:`translate_bindings`), because Textual reads ``BINDINGS`` when the
class is defined, before the CLI has chosen the language.

No action depends on Esc alone: over a laggy SSH link Esc is ambiguous (it
starts every escape sequence), so each way out also has a letter or ctrl key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from perftui.i18n import N_, gettext as _

# Scopes: which screen a key belongs to, in the order the help screen lists them.
APP, LIST, FILTER, VIEW, MODAL, PALETTE, ERROR = "app", "list", "filter", "view", "modal", "palette", "error"
HISTORY, VERSION, EXPORT = "history", "version", "export"
SCOPE_TITLES = {
    APP: N_("全局"),
    LIST: N_("表列表"),
    FILTER: N_("筛选框"),
    VIEW: N_("查看表"),
    HISTORY: N_("修改历史"),
    VERSION: N_("以前的修订"),
    EXPORT: N_("导出"),
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
    Key("list.year", "y", "next_year", N_("年度"), LIST),
    Key("list.sort", "s", "next_sort", N_("排序"), LIST),
    Key("list.reverse", "S", "reverse_sort", N_("倒序"), LIST, show=False),
    Key("list.incomplete", "i", "next_incomplete", N_("下一张不完整的表"), LIST, show=False),
    Key("list.reload", "ctrl+r", "reload", N_("重新读取数据库"), LIST, show=False),
    Key("filter.cancel", "escape", "clear_and_leave", N_("清除筛选，回到列表"), FILTER, show=False, palette=False),
    Key("filter.done", "down", "leave", N_("保留筛选，回到列表（也可按 Enter）"), FILTER, show=False, palette=False),
    Key("view.close", "escape,q,ctrl+w", "close", N_("返回"), VIEW, palette=False),
    # The history list's own Enter previews; the id lets an operator add a key for it.
    Key("history.preview", "enter", "preview", N_("查看这个修订"), HISTORY),
    Key("version.revert", "r", "revert", N_("回退到这个修订"), VERSION, writes=True),
    # The export dialog has text boxes, so its keys are ctrl keys with priority.
    Key("export.save", "ctrl+s", "export", N_("导出到文件"), EXPORT, priority=True),
    Key("export.copy", "ctrl+y", "copy", N_("复制到剪贴板"), EXPORT, priority=True),
    Key("export.cancel", "ctrl+w", "cancel", N_("取消"), EXPORT, priority=True),
    Key("export.escape", "escape", "cancel", N_("取消"), EXPORT, show=False, palette=False),
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
#: The ids of the keys that change the database.
WRITES = frozenset(key.id for key in KEYS if key.writes)


def bindings(*scopes: str, also: tuple[str, ...] = ()) -> list[Binding]:
    """``BINDINGS`` for a screen or the app: the keys of ``scopes`` (and the ids in ``also``)."""
    return [
        Binding(key.keys, key.action, key.description, show=key.show, priority=key.priority, id=key.id)
        for key in KEYS
        if key.scope in scopes or key.id in also
    ]


def translate_bindings(node: DOMNode) -> None:
    """Show ``node``'s binding descriptions in the current language.

    Textual copies a class's merged bindings to each instance, so translating
    the instance's copy leaves the class (and other languages' tests) alone.
    """
    node._bindings = BindingsMap.from_keys(
        {
            key: [
                dataclasses.replace(b, description=_(b.description)) if b.id in BY_ID and b.description else b
                for b in bound
            ]
            for key, bound in node._bindings.key_to_bindings.items()
        }
    )


def hide_bindings(node: DOMNode, ids: frozenset[str] | set[str]) -> None:
    """Keep ``node``'s bindings with these ids working but out of the footer.

    Read-only mode hides the write keys this way: pressing one still says why
    nothing happens, instead of doing nothing at all.
    """
    node._bindings = BindingsMap.from_keys(
        {
            key: [dataclasses.replace(b, show=False) if b.id in ids else b for b in bound]
            for key, bound in node._bindings.key_to_bindings.items()
        }
    )


def label(key_id: str) -> str:
    """What the key with ``key_id`` does, in the current language (for messages)."""
    return _(BY_ID[key_id].description)


def keys_for(key: Key, keymap: dict[str, str]) -> str:
    """The keys that trigger ``key`` now: the operator's keymap, else the default."""
    return keymap.get(key.id, key.keys)


def shown(app, key_id: str) -> str:
    """The keys for ``key_id`` as the operator should press them now (after their keymap)."""
    return display(keys_for(BY_ID[key_id], getattr(app, "_keymap", {})))


def display(keys: str) -> str:
    """Key names as an operator reads them: ``question_mark,f1`` -> ``? / F1``."""
    names = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter"}
    shown = []
    for name in keys.split(","):
        name = name.strip()
        if name in names:
            shown.append(names[name])
        elif name.startswith("ctrl+"):
            shown.append("^" + name[5:])
        elif len(name) > 1 and name[0] == "f" and name[1:].isdigit():
            shown.append(name.upper())
        else:
            shown.append(name)
    return " / ".join(shown)
