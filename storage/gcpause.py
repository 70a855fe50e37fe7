"""Pause Python's cyclic garbage collector around bulk work on parsed documents.

Parsing a 20 MB database creates millions of dicts, lists and strings; each
few hundred new containers trigger a collection, and every so often a full one
walks all of them. Measured on such a file: json.loads takes 0.3 s with the
collector on, 0.2 s with it off, and encoding a save paid up to 0.5 s for a
full collection it happened to trigger. Parsed JSON holds no reference cycles,
so reference counting frees it and the collector has nothing to find there.

Pausing alone only defers the bill: the first allocation after the pause
would collect the whole young generation, now hundreds of thousands of
objects (0.1 s), and every later full collection would walk all of them
again (0.5 s at 20 MB: a long-running app froze now and then). So the block
ends with ``gc.freeze()``: everything alive then moves to the permanent
generation, which the collector never walks. Parsed documents and the
records built from them hold no cycles, so reference counting still frees
them when they are dropped. The price: a reference cycle that was alive at
that moment and later becomes garbage is not collected (in the app, a
dialog open while the database was re-read keeps its few kilobytes).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nesting and threads are harmless)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
