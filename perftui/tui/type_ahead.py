"""Keys take effect one at a time, in the order typed, also when they come in a burst.

Over SSH a fast typist's keys, a paste or a macro arrive in one burst, and
Textual hands each key to the widget focused when the key *arrives*, to be
handled when that widget gets round to it. Three things then went wrong:

- A field's editing keys (Home, ctrl+u, Backspace, the arrows) are bindings,
  which Textual looks up only once the key has bubbled up to the app, through
  one queue per container; the characters typed after them were inserted
  first (Home ``1`` appended the 1; ctrl+u ``100`` erased the 100).
- A key that moves the focus or opens a screen (``/`` on the list, Enter,
  F2, Esc) takes effect when it is handled, by which time the keys typed
  after it had been handed to the old widget: lost, or acted on there
  (``c`` then ``2030`` Enter: the digits went nowhere).
- A priority key (the editor's ctrl+s) is seen as it arrives, ahead of the
  keys typed before it, still on their way.

So:

- Our widgets that take keys (:class:`KeysInOrder`: the text fields, the
  choices, the lists, the indicator grid) look each key's binding up
  themselves, in their own queue, when the key reaches them
  (:func:`run_binding_here`), and tell the app when they are done with it.
- The app (:class:`TypeAhead`) sends one key at a time: while one is on its
  way, the keys that arrive wait, and go on in order when it has been taken
  (by one of ours, which says so; by one of Textual's, when the key has come
  back up to the app or was kept), each to whatever then has the focus.
  After a screen is pushed, keys wait until it has focused a widget.
- :func:`after_typing` is for an action that must see what was typed before
  it (the editor's ctrl+s when the key reaches it another way).

A key waits at most :data:`LONGEST_HOLD` seconds after its screen was built:
a screen that never takes the focus gets its keys all the same.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from textual import events
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

#: Seconds after which waiting keys go on even if no screen took the focus
#: (a screen still being built is waited for: the keys are its).
LONGEST_HOLD = 2.0


def binding_chain(widget: Widget) -> list[tuple[DOMNode, BindingsMap]]:
    """``widget``'s bindings and its ancestors', nearest first, as Textual would see them
    with ``widget`` focused: the operator's keymap applied; a modal screen ends the chain."""
    keymap = getattr(widget.app, "keymap", {})
    chain = []
    for node in widget.ancestors_with_self:
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        chain.append((node, bindings))
        if node.is_modal:
            break
    return chain


async def run_binding_here(widget: Widget, event: events.Key) -> bool:
    """Run the (non-priority) binding of ``event``'s key for ``widget`` now; True if one ran.

    Priority bindings were tried by the app when the key arrived.
    """
    for namespace, bindings in binding_chain(widget):
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, namespace):
                event.stop()
                event.prevent_default()
                return True
    return False


def after_typing(screen: Screen, then: Callable[[], object]) -> None:
    """Run ``then`` once the keys already sent to the focused widget have reached it; the keys
    that arrive meanwhile wait, and go to whatever screen ``then`` leaves on top."""
    app = screen.app
    holds = isinstance(app, TypeAhead)
    if holds:
        app.hold_keys()

    def run() -> None:
        try:
            then()
        finally:
            if holds:
                app.release_keys()

    (screen.focused or screen).call_later(run)


class KeysInOrder:
    """Widget mixin: each key is applied here as it arrives (see the module docstring).

    Subclasses implement :meth:`take_key` (and may call :func:`run_binding_here`).
    """

    async def take_key(self, event: events.Key) -> None:
        await run_binding_here(self, event)  # type: ignore[arg-type]

    async def _on_key(self, event: events.Key) -> None:
        try:
            await self.take_key(event)
        finally:
            app = self.app  # type: ignore[attr-defined]
            if isinstance(app, TypeAhead):
                app.key_taken(self)  # type: ignore[arg-type]


def _ready(screen: Screen) -> bool:
    """Can ``screen`` take keys: something in it has the focus, or nothing in it can?"""
    if screen.focused is not None:
        return True
    return screen.is_mounted and not screen.focus_chain


class TypeAhead:
    """App mixin: one key at a time to our widgets; keys wait for a new screen's focus."""

    _holds = 0
    _gate: Screen | None = None
    _busy: Widget | None = None  # has a key it has not taken yet
    _bubbling: events.Key | None = None  # that key, on its way up from a widget of Textual's
    _next: events.Key | events.Paste | None = None  # a waiting key, sent again and on its way back here
    _waiting: deque[events.Key | events.Paste] | None = None
    _timer: Timer | None = None

    def hold_keys(self) -> None:
        """Keep the keys that arrive from now on until :meth:`release_keys`."""
        self._holds += 1
        self._arm()

    def release_keys(self) -> None:
        self._holds = max(0, self._holds - 1)
        self._send_next()

    @property
    def keys_pending(self) -> bool:
        """Are keys that arrived still on their way to a widget?"""
        return bool(self._waiting) or self._next is not None or self._busy is not None

    def key_taken(self, widget: Widget) -> None:
        """``widget`` is done with the key sent to it: the next one may go."""
        if self._busy is widget:
            self._busy = None
            self._send_next()

    # -- Textual's side ------------------------------------------------------------

    def push_screen(self, *args, **kwargs):
        result = super().push_screen(*args, **kwargs)  # type: ignore[misc]
        self._gate = self.screen  # type: ignore[attr-defined]
        self._arm()
        return result

    async def on_event(self, event: events.Event) -> None:
        # A paste keeps its place among the keys (typed, pasted, typed on).
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await super().on_event(event)  # type: ignore[misc]
            if event is self._bubbling:
                # Back from a widget of Textual's, its bindings run here: the key has been taken.
                self._bubbling = None
                self.key_taken(self._busy)  # type: ignore[arg-type]
            elif isinstance(event, events.DescendantFocus):
                self._send_next()
            return
        if not self.screen_stack:  # type: ignore[attr-defined]
            return  # sent again while quitting: no screen is left to take it
        if event is self._next:
            self._next = None
        elif self._next is not None or self._blocked() or self._waiting:
            self._wait(event)
            return
        target = self.focused or self.screen  # type: ignore[attr-defined]
        await super().on_event(event)  # type: ignore[misc]
        if not (isinstance(event, events.Key) and event.is_forwarded):
            self._send_next()  # a priority key, or a paste
            return
        self._busy = target
        self._arm()
        if not isinstance(target, KeysInOrder):
            # A widget of Textual's: its bindings run when the key has bubbled back up to
            # here; unless it keeps the key itself (a character in the palette's box).
            self._bubbling = event
            target.call_later(self._kept_by, event, target)

    # -- inside --------------------------------------------------------------------

    def _kept_by(self, event: events.Key, target: Widget) -> None:
        if event is self._bubbling and event._stop_propagation:
            self._bubbling = None
            self.key_taken(target)

    def _wait(self, event: events.Key | events.Paste) -> None:
        if self._waiting is None:
            self._waiting = deque()
        # A fresh event: this one may have been stopped on its way.
        fresh = events.Paste(event.text) if isinstance(event, events.Paste) else events.Key(event.key, event.character)
        self._waiting.append(fresh)
        self._arm()

    def _gate_closed(self) -> bool:
        if self._gate is None:
            return False
        if self._gate is self.screen and not _ready(self._gate):  # type: ignore[attr-defined]
            return True
        self._gate = None
        return False

    def _blocked(self) -> bool:
        return self._busy is not None or bool(self._holds) or self._gate_closed()

    def _send_next(self) -> None:
        if not self.screen_stack:  # type: ignore[attr-defined]
            return  # quitting: no screen to send keys to
        if self._next is not None or self._blocked():
            return
        if self._waiting:
            self._next = self._waiting.popleft()
            self.post_message(self._next)  # type: ignore[attr-defined]
        elif self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = self.set_timer(LONGEST_HOLD, self._give_up)  # type: ignore[attr-defined]
        else:
            self._timer.reset()

    def _give_up(self) -> None:
        self._timer = None
        if not self.screen_stack:  # type: ignore[attr-defined]
            return
        gate = self._gate
        if gate is not None and gate is self.screen and not gate.is_mounted:  # type: ignore[attr-defined]
            self._arm()  # still being built (a slow machine): its keys wait for it
            return
        self._holds, self._gate, self._busy, self._bubbling = 0, None, None, None
        self._send_next()
