"""The import screen: pick a unit's file in a folder tree, see what it holds, import it on confirmation.

``ImportScreen(database)`` dismisses with an :class:`ImportDone` (what went
in) or None. The preview is the one ``perftui import --dry-run`` prints
(:mod:`perftui.importing.preview`): each form's header, funding, indicator
count, the labels not recognized and the findings, or the one line saying why
the file is refused. Reading a file (a large .xlsx, a PDF) and importing run
in worker threads, so the screen never freezes; nothing is written until the
operator confirms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from perftui.i18n import gettext as _
from perftui.tui import keys
from perftui.tui.widgets.text_fields import TextField
from perftui.tui.widgets.work_bar import WorkBar
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.styles import stylesheet
from perftui.tui.writes import run_write

#: Files the importer reads: units' forms and our own exports.
IMPORTABLE = frozenset({".txt", ".tsv", ".docx", ".xlsx", ".xlsm", ".pdf", ".json", ".csv"})


@dataclass(frozen=True)
class ImportDone:
    path: Path
    added: int
    updated: int
    unchanged: int

    def message(self) -> str:
        return _("已导入 {file}：新增 {added}，更新 {updated}，无变化 {unchanged}").format(
            file=self.path.name, added=self.added, updated=self.updated, unchanged=self.unchanged
        )


class ImportableTree(DirectoryTree):
    """Folders, and the files perftui can import (no hidden ones); plain marks, not emoji, over SSH."""

    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "
    ICON_FILE = "  "

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in IMPORTABLE)
        ]


class ImportScreen(ModalScreen["ImportDone | None"]):
    """↑↓ choose a file (its preview follows), ctrl+s imports it after a question; ctrl+w or Esc closes.

    The tree starts in the folder the app was started in; backspace on it goes up a folder,
    and a folder or file typed in the box above it (Enter) goes there: units' files are
    seldom where perftui was started.
    """

    DEFAULT_CSS = stylesheet(__file__)
    KEY_SCOPES = (keys.IMPORT,)
    BINDINGS = keys.bindings(keys.IMPORT)
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#import-tree"

    def __init__(self, database, folder: Path | None = None) -> None:
        super().__init__()
        self.database = database
        self.folder = folder or Path.cwd()
        self.previewed: tuple[Path, object] | None = None  # (path, Imported) of a file that can be imported
        self._wanted: Path | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Static(_("导入各单位的表：文本、Word (.docx)、Excel (.xlsx)、文字版 PDF，或 perftui 的 json/csv 导出"), markup=False)
            with Horizontal(id="import-panes"):
                # Tab goes from the tree to the year box, then to the preview (↑↓ scroll it).
                with Vertical(id="import-left"):
                    yield TextField(
                        str(self.folder), id="import-folder", placeholder=_("文件夹或文件，回车前往"), compact=True,
                        submit=self.go_to_typed,
                    )
                    yield ImportableTree(self.folder, id="import-tree")
                    with Horizontal(classes="row"):
                        yield Label(_("文件中没有年度时用"), classes="field")
                        yield TextField(id="import-year", placeholder=_("年度"), max_length=4, compact=True)
                with VerticalScroll(id="import-preview-box"):
                    yield Static(_("选择一个文件，这里显示将导入的内容。"), id="import-preview", markup=False)
            yield Static("", id="import-status", markup=False)
            yield WorkBar(id="import-progress")
            with Horizontal(id="import-buttons"):
                yield Button(
                    f"{_('导入')} {keys.shown(self.app, 'import.run')}", id="import-run", variant="primary", compact=True
                )
                yield Button(f"{_('取消')} {keys.shown(self.app, 'import.cancel')}", id="import-cancel", compact=True)


    # -- preview ----------------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: DirectoryTree.NodeHighlighted) -> None:
        data = event.node.data
        path = getattr(data, "path", None)
        if path is not None and Path(path).is_file():
            self.preview(Path(path))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.preview(Path(event.path))

    # -- where ------------------------------------------------------------------------------

    @property
    def tree(self) -> ImportableTree:
        return self.query_one("#import-tree", ImportableTree)

    def go_to(self, folder: Path) -> None:
        """Show ``folder`` in the tree (and its path in the box), the cursor on its first entry."""
        self.folder = folder
        self.tree.path = folder
        self.query_one("#import-folder", Input).value = str(folder)
        self.tree.focus()

    def action_parent_folder(self) -> None:
        if self.folder.parent != self.folder:
            self.go_to(self.folder.parent)

    def go_to_typed(self) -> None:
        """Enter in the folder box: at once, so keys typed after it reach the tree."""
        typed = self.query_one("#import-folder", Input).value.strip()
        target = Path(typed).expanduser() if typed else self.folder
        if not target.is_absolute():
            target = self.folder / target
        try:
            target = target.resolve()
            found = target.is_dir() or target.is_file()
        except (OSError, RuntimeError):
            found = False
        if not found:
            self.query_one("#import-status", Static).update(_("没有这个文件夹或文件：{path}").format(path=typed))
            return
        self.query_one("#import-status", Static).update("")
        if target.is_file():
            self.go_to(target.parent)
            self.preview(target)
        else:
            self.go_to(target)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "import-year" and self._wanted is not None:
            self.preview(self._wanted)

    def _year(self) -> int | None:
        text = self.query_one("#import-year", Input).value.strip()
        return int(text) if text.isdigit() and len(text) == 4 else None

    def preview(self, path: Path) -> None:
        """Read ``path`` in a worker; the newest request wins (a quick ↓↓↓ reads only the last file)."""
        self._wanted = path
        self.previewed = None
        self._show(_("正在读取 {file}…").format(file=path.name))
        self.query_one(WorkBar).start(_("正在读取 {file}…").format(file=path.name))
        year = self._year()

        rules = getattr(self.app, "rules", None)

        def read() -> None:
            from perftui.importing import preview, tracking_tables
            from perftui.importing.readback import read_file
            from perftui.importing.text import FormatError

            try:
                tables = tracking_tables.read_file(path, year)  # a 自评表 or 监控表, else forms
                if tables is not None:
                    text, result = "\n".join(tracking_tables.preview_lines(path.name, tables, rules)), tables
                else:
                    imported = read_file(path, year)
                    text, result = "\n".join(preview.file_lines(path.name, imported)), imported
            except FormatError as error:
                text, result = _("不导入：{reason}").format(reason=error), None
            except Exception as error:  # a file no reader expected: one line, never a traceback
                text, result = _("不导入：{file}：{reason}").format(file=path, reason=error), None
            try:
                self.app.call_from_thread(self._previewed, path, text, result)
            except RuntimeError:  # the app closed meanwhile
                pass

        self.run_worker(read, thread=True, group="preview", exclusive=True, exit_on_error=False)

    def _previewed(self, path: Path, text: str, imported) -> None:
        if path != self._wanted:
            return  # a later choice is being read
        if not self._busy:
            self.query_one(WorkBar).stop()
        readable = isinstance(imported, list) or (imported is not None and imported.forms)
        self.previewed = (path, imported) if imported is not None and readable else None
        self._show(text)

    def _show(self, text: str) -> None:
        self.query_one("#import-preview", Static).update(text)

    # -- import -------------------------------------------------------------------------------

    def action_run_import(self) -> None:
        if self._busy:
            return
        if self.previewed is None:
            self.query_one("#import-status", Static).update(_("请先选择一个能导入的文件。"))
            return
        path, imported = self.previewed
        if isinstance(imported, list):  # 自评表 and 监控表
            question = _(
                "把 {file} 中的 {records} 份监控、自评导入数据库？\n它们记入同年度、同名称、同实施单位的表；没有这张表时，按表中的年度指标值新建。"
            ).format(file=path.name, records=len(imported))
        else:
            rows = sum(len(form.indicators) for form in imported.forms)
            question = _("把 {file} 中的 {forms} 张表（{rows} 条指标）导入数据库？\n同年度、同名称、同实施单位的表会被更新。").format(
                file=path.name, forms=len(imported.forms), rows=rows
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._import(path, imported)

        self.app.push_screen(ConfirmScreen(question, confirm=_("导入")), answered)

    def _import(self, path: Path, imported) -> None:
        self._busy = True
        self.query_one("#import-status", Static).update("")
        count = len(imported) if isinstance(imported, list) else len(imported.forms)
        self.query_one(WorkBar).start(_("正在导入 {file}（{count} 份）…").format(file=path.name, count=count))
        database = self.database

        def change():
            if isinstance(imported, list):
                states = [state for state, *_rest in database.import_tables(imported)]
                return [states.count(state) for state in ("added", "updated", "unchanged")]
            report = database.import_forms(imported.forms, keep_ids=imported.keep_ids)
            return [len(report.added), len(report.updated), len(report.unchanged)]

        def done(counts: list[int]) -> None:
            self._busy = False
            self.dismiss(ImportDone(path, *counts))

        def failed(message: str) -> None:
            self._busy = False
            self.query_one(WorkBar).stop()
            self.query_one("#import-status", Static).update(message)

        run_write(self, change, done, failed)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import-run":
            self.action_run_import()
        else:
            self.action_cancel()
