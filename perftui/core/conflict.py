"""Two operators, one form: a save refused because the stored form moved on.

A record of the domain, not of the storage: the storage refuses a stale
revision with its own error, and the repository turns that into a
:class:`Conflict` that carries both forms, so the editor can show what the
other side changed and the CLI can say who did it.
"""

from __future__ import annotations

from perftui.core.model import Form


class Conflict(Exception):
    """The form changed (or vanished) in the database since it was read.

    ``theirs`` is the form as stored now (None if it was deleted); the caller
    decides: reload theirs, keep editing, or overwrite on purpose.
    """

    def __init__(self, mine: Form, theirs: Form | None):
        self.mine, self.theirs = mine, theirs
        if theirs is None:
            message = f"“{mine.name}” was deleted by someone else"
        else:
            who = theirs.updated_by or "someone else"
            message = f"“{mine.name}” was changed by {who} (revision {theirs.revision}, yours is {mine.revision})"
        super().__init__(message)
