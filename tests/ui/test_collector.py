"""Issue 18: what the app holds from its start is kept out of the garbage collector's full
walks while it runs (a walk over it cost 40-130 ms of the UI thread), and given back when
the app ends, so nothing frozen outlives it."""

from __future__ import annotations

import gc
from collections.abc import Callable

from cockpit.config import Config
from cockpit.ui.app import CockpitApp
from cockpit.ui.collector import no_collections


async def test_startup_objects_are_frozen_after_the_first_frame_and_thawed_at_the_end(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    gc.unfreeze()
    app = make_app(sample_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > 10_000  # the app, its widgets, the modules
    assert gc.get_freeze_count() == 0


def test_no_collections_while_modules_load_then_as_it_was() -> None:
    assert gc.isenabled()
    with no_collections():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # someone else turned it off: it stays off
    try:
        with no_collections():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failed_import_inside_still_turns_collections_back_on() -> None:
    try:
        with no_collections():
            raise ImportError("a module that could not load")
    except ImportError:
        pass
    assert gc.isenabled()


def test_what_loads_inside_is_frozen_so_later_collections_skip_it() -> None:
    gc.unfreeze()
    with no_collections():
        made = [[] for _ in range(1000)]  # tracked objects, as a module's would be
    try:
        assert gc.get_freeze_count() >= 1000
        assert not any(obj is made for obj in gc.get_objects())  # not in any generation
    finally:
        gc.unfreeze()
