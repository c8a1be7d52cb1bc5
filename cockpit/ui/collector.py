"""The cyclic garbage collector and the UI thread.

A full collection walks every tracked object: with the app, its widgets, styles and
modules (about 100,000 objects) it took 40-130 ms of the UI thread, and polls of 5,000
alerts bring enough new objects to set one off every few polls (issue 18: a first fill
of the alerts pane measured 102 ms where it takes 20-30 ms). So once the first frame is
on screen, what exists then (it lives as long as the app) is frozen: later collections
walk only what came after (alert snapshots, rows). Frozen objects are still freed when
nothing refers to them; a cycle among them waits for ``thaw`` when the app ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def freeze_startup_objects() -> None:
    """Keep what is alive now out of the collector's walks (no collection first: it
    would cost what this saves; garbage frozen now is collected after ``thaw``)."""
    gc.freeze()


def thaw() -> None:
    """Give every frozen object back to the collector (the app is ending)."""
    gc.unfreeze()


@contextlib.contextmanager
def no_collections() -> Iterator[None]:
    """No automatic collections inside: for loading modules, whose objects live as long
    as the process (the walks over them find nothing to free). What exists when it ends
    well is frozen, so the collection due then, and those after, do not walk it either
    (that walk was 20 ms of the UI's import). The collector as it was after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_on:
            gc.enable()
