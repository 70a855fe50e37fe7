"""Questions the editors ask before anything could be lost.

Each is a :class:`ModalScreen` dismissed with the answer. Every answer has a
letter key and a button; Esc gives the safe answer (keep editing), but is never
the only way to it, because Esc is slow or swallowed over some SSH links.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from perftui.tui.styles import stylesheet
from perftui.i18n import N_, gettext as _
from perftui.tui import keys
from perftui.text.width import truncate

SAVE, DISCARD, STAY = "save", "discard", "stay"


class ChoiceDialog(ModalScreen[str]):
    """A question, some text, and one button per answer (``CHOICES``: key id, answer, label)."""

    DEFAULT_CSS = stylesheet(__file__)

    #: (key id, answer, label) per answer, in the order the buttons show; labels marked N_().
    #: Each button names the key that gives its answer now (after the operator's keymap).
    CHOICES: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    #: The answer Esc gives.
    ESCAPE: ClassVar[str] = STAY

    def __init__(self, title: str, body: str = "") -> None:
        super().__init__()
        self.title_text, self.body_text = title, body
        # The safe answer has the focus, so a stray Enter loses nothing; set as the screen
        # starts, so keys typed ahead (perftui.tui.type_ahead) meet it.
        self.AUTO_FOCUS = f"#choice-{self.ESCAPE}"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="dialog-title")
            if self.body_text:
                with VerticalScroll(id="dialog-body"):
                    yield Static(self.body_text, id="dialog-text", markup=False)
            with Horizontal(id="dialog-buttons"):
                for key_id, answer, label in self.CHOICES:
                    yield Button(f"{_(label)} ({keys.first_shown(self.app, key_id)})", id=f"choice-{answer}", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(str(event.button.id).removeprefix("choice-"))

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer)


class UnsavedChangesScreen(ChoiceDialog):
    """Leaving with unsaved changes: save them, discard them, or stay. Dismissed with the answer."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.UNSAVED)
    CHOICES = (
        ("unsaved.save", SAVE, N_("保存")),
        ("unsaved.discard", DISCARD, N_("放弃修改")),
        ("unsaved.stay", STAY, N_("继续编辑")),
    )
    ESCAPE = STAY

    def __init__(self, name: str, question: str | None = None, *, can_save: bool = True) -> None:
        """``question``: what saving or discarding leads to (leaving the editor unless it says otherwise).
        ``can_save``: False in read-only mode, where saving is no answer: not offered, its key unbound."""
        if not can_save:
            self.CHOICES = tuple(choice for choice in self.CHOICES if choice[1] != SAVE)
            question = question or _("只读模式不能保存：放弃修改后离开，还是留下继续编辑？")
        super().__init__(
            # Cut: a name typed in the editor may be any length (it is refused when saved).
            _("“{name}”有未保存的修改").format(name=truncate(" ".join(name.split()), 40) if name else _("新表")),
            question or _("保存后离开、放弃修改后离开，还是留下继续编辑？"),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and not any(choice[1] == parameters[0] for choice in self.CHOICES):
            return False
        return True


class ConfirmOverwriteScreen(ChoiceDialog):
    """The second question before "keep mine" replaces someone else's save."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.OVERWRITE)
    CHOICES = (("overwrite.yes", "yes", N_("确认覆盖")), ("overwrite.no", "no", N_("取消")))
    ESCAPE = "no"

    def __init__(self, name: str, who: str) -> None:
        super().__init__(
            _("确定用你的版本覆盖{who}的修改吗？").format(who=who),
            _("“{name}”将保存为你的版本；对方的修改不会丢失，仍可在历史记录中查到，记录会注明这是一次覆盖。").format(
                name=name
            ),
        )
