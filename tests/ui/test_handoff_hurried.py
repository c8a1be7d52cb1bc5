"""The handoff as a hurried person does it: keys pressed fast and twice, the header and
the `h` screen agreeing on who is on call before and after a signature (issue 14, 1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.config import Config, OnCall
from cockpit.store import open_notebook
from cockpit.store.handoffs import past_handoffs
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.screens.handoff import HandoffScreen, SignOffScreen
from tests import handoff_seed as seed
from tests.waiting import notebook_reads_done

SIZE = (160, 48)
DEMO = Config(path=None, oncall=OnCall(me="root", roster=("root", "sam"), timezone="UTC"))
SATURDAY = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # the Friday 17:00 handoff was missed


def _header(app: CockpitApp) -> str:
    header = app.query_one(OnCallHeader)
    header.refresh_text()
    return str(header.render())


def _title(app: CockpitApp) -> str:
    return str(app.screen.query_one("#handoff-title").render())


def _signatures(tmp_path: Path) -> list[tuple[str, str | None]]:
    with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as store:
        return [(h.outgoing, h.signed_by) for h in past_handoffs(store)]


async def test_double_enter_and_double_sign_key_sign_once(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as store:
        seed.seed_last_signed(store, "alice", "sam")
    app = make_app(sample_config, clock=lambda: seed.NOW)  # 16:30, the reminder is up
    async with app.run_test(size=SIZE) as pilot:
        assert "on call: sam · next: alice" in _header(app)
        await pilot.press("h")
        await pilot.pause()
        assert _title(app).startswith("Handoff sam → alice")
        await pilot.press("ctrl+s", "enter", "enter", "ctrl+s", "enter")  # no pauses
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen) and screen.handoff is not None
        assert screen.handoff.signed_by == "alice"
        assert "signed by alice" in _title(app)
        messages = [str(n.message) for n in app._notifications]
        assert messages.count("Handoff signed by alice.") == 1
        assert any("already signed by alice" in m for m in messages)
        # The header follows the signature at once: alice is on call, sam next week.
        assert "on call: alice · next: sam" in _header(app)
        assert "handoff Fri 17:00 (in 7d 0h)" in _header(app)  # 27 Nov, sam's turn
    assert _signatures(tmp_path)[0] == ("sam", "alice")
    assert len(_signatures(tmp_path)) == 2  # the seeded one and this one, nothing more


async def test_a_second_sign_off_after_reopening_is_refused_with_the_reason(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    app = make_app(DEMO, clock=lambda: SATURDAY)
    async with app.run_test(size=SIZE) as pilot:
        # The header and `h` tell the same story: root is on call since Friday 17:00,
        # and sam's handoff to root is still unsigned, late.
        header = _header(app)
        assert "on call: root · next: sam" in header
        assert "handoff of Fri 17:00 not signed, late (h opens it)" in header
        await pilot.press("h")
        await pilot.pause()
        assert _title(app).startswith("Handoff sam → root  │  due Fri 17:00, late")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffScreen)
        await pilot.press("enter")  # the name is filled in: root
        await pilot.pause()
        await pilot.press("escape", "h")  # close and open again at once
        await pilot.pause()
        # Now root's own shift: its handoff is next Friday and cannot be signed yet.
        assert _title(app).startswith("Handoff root → sam  │  due Fri 17:00")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SignOffScreen)
        last = str(list(app._notifications)[-1].message)
        assert "already signed by root" in last and "cockpit handoff swap" in last
        header = _header(app)
        assert "on call: root · next: sam" in header and "not signed" not in header
    assert _signatures(tmp_path) == [("sam", "root")]


async def test_the_header_follows_a_swap_recorded_elsewhere(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    from cockpit.services.handoff_live import LiveState
    from cockpit.services.handoff_sign import sign_current

    now = [SATURDAY]
    app = make_app(DEMO, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:

        async def read_signature() -> None:
            # What the header's five-second read does, on the notebook thread.
            app.read_header_later()
            await notebook_reads_done(pilot)

        with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as store:
            sign_current(store, DEMO, by="root", live=LiveState(), now=now[0])
            now[0] = SATURDAY + timedelta(days=2)
            await read_signature()
            assert "on call: root · next: sam" in _header(app)
            # Another cockpit (or the CLI) records sam taking over early.
            sign_current(store, DEMO, by="sam", live=LiveState(), now=now[0], swap=True)
        await read_signature()
        header = _header(app)
        # Friday needs no handoff (sam was due then): root is next, on 18 Dec.
        assert "on call: sam · next: root" in header
        assert "handoff Fri 17:00 (in 11d 14h)" in header


async def test_two_submits_queued_before_the_dialog_closes_sign_once(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    from textual.widgets import Input

    app = make_app(DEMO, clock=lambda: SATURDAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SignOffScreen)
        calls: list[str] = []
        sign = dialog.sign

        def counting(name: str) -> str | None:
            calls.append(name)
            return sign(name)

        dialog.sign = counting
        field = dialog.query_one(Input)
        # Both arrive before the first one's dismissal is processed.
        dialog.post_message(Input.Submitted(field, "root"))
        dialog.post_message(Input.Submitted(field, "root"))
        await pilot.pause()
        assert calls == ["root"]
        assert isinstance(app.screen, HandoffScreen)
    assert _signatures(tmp_path) == [("sam", "root")]
