"""The handoff rules end to end on the command line and in the notebook: one signature per
scheduled handoff, only its incoming engineer signs, late is allowed and marked, a swap
is an explicit, recorded action, and every view follows the signatures (issue 14, 1)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, OnCall
from cockpit.store import open_notebook
from cockpit.store.handoffs import HandoffRefused, create_draft, sign

# The demo's rotation: roster [root, sam], Friday 17:00 UTC. Saturday 03:00: the Friday
# handoff (sam -> root) was missed.
SATURDAY = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def _demo_config() -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[oncall]\nme = "root"\nroster = ["root", "sam"]\nhandoff_day = "friday"\n'
        'handoff_time = "17:00"\ntimezone = "UTC"\n'
    )


def _cli(now: list[datetime]) -> Callable[..., int]:
    from cockpit.cli.handoff import handoff
    from cockpit.cli.main import _parser

    def run(*argv: str) -> int:
        return handoff(_parser().parse_args(["handoff", *argv]), clock=lambda: now[0])

    return run


def test_the_demo_double_signature_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """What was seen: root signed sam -> root, `handoff show` drafted root -> sam, and
    `sign-off --as sam` signed that too (rc 0), for the same Friday handoff."""
    _demo_config()
    now = [SATURDAY]
    run = _cli(now)
    assert run("show") == 0
    out = capsys.readouterr().out
    assert out.startswith("## Shift handoff: sam → root")
    assert "to Fri 2026-12-04 17:00 UTC" in out  # sam's shift ends at the scheduled time
    assert "late: scheduled Fri 2026-12-04 17:00 UTC" in out
    assert run("sign-off", "--as", "sam") == 2  # the outgoing engineer
    assert "sam is the outgoing engineer" in capsys.readouterr().err
    assert run("sign-off", "--as", "someone") == 2  # not the incoming engineer
    assert "only the incoming engineer, root, signs" in capsys.readouterr().err
    assert run("sign-off", "--as", "root") == 0
    assert "signed by root (late): sam hands over" in capsys.readouterr().out
    assert run("show") == 0  # the next shift: root's, heading for next Friday
    assert capsys.readouterr().out.startswith("## Shift handoff: root → sam")
    assert run("sign-off", "--as", "sam") == 2  # the same Friday, the other way round
    err = capsys.readouterr().err
    assert "already signed by root" in err and "cockpit handoff swap" in err
    assert run("sign-off", "--as", "root") == 2  # a hurried second press
    assert "already signed by root" in capsys.readouterr().err
    assert run("list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(h["outgoing"], h["signed_by"], h["kind"], h["late"]) for h in listed] == [
        ("sam", "root", "handoff", True)
    ]


def test_next_friday_opens_an_hour_before_and_only_for_the_incoming_engineer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _demo_config()
    now = [SATURDAY]
    run = _cli(now)
    assert run("sign-off", "--as", "root") == 0
    now[0] = FRIDAY + timedelta(days=7, minutes=-61)
    assert run("sign-off", "--as", "sam") == 2
    assert "due Fri 2026-12-11 17:00 UTC and can be signed from an hour before" in (
        capsys.readouterr().err
    )
    now[0] = FRIDAY + timedelta(days=7, minutes=-30)
    assert run("sign-off", "--as", "root") == 2
    assert "root is the outgoing engineer" in capsys.readouterr().err
    assert run("sign-off", "--as", "sam") == 0
    assert "signed by sam: root hands over" in capsys.readouterr().out
    now[0] = FRIDAY + timedelta(days=7, minutes=5)
    assert run("sign-off", "--as", "sam") == 2
    assert "already signed by sam" in capsys.readouterr().err


def test_a_swap_is_explicit_recorded_and_followed(capsys: pytest.CaptureFixture[str]) -> None:
    from cockpit import locations
    from cockpit.services.shift import rotation_now

    _demo_config()
    now = [SATURDAY]
    run = _cli(now)
    assert run("sign-off", "--as", "root") == 0
    now[0] = SATURDAY + timedelta(days=3)  # Tuesday: root is ill, sam takes over early
    assert run("swap", "--as", "root") == 2
    assert "root is already on call" in capsys.readouterr().err
    assert run("swap", "--as", "sam") == 0
    assert "swap 2 recorded: sam takes over from root" in capsys.readouterr().out
    config = Config(path=None, oncall=OnCall(me="root", roster=("root", "sam"), timezone="UTC"))
    with open_notebook(locations.database_file()) as store:
        state = rotation_now(store, config.oncall, now[0])
    # sam is on call; Friday needs no handoff (sam was due then), root is next a week later.
    assert (state.current, state.next) == ("sam", "root")
    assert state.handoff_at == FRIDAY + timedelta(days=14)
    assert run("sign-off", "--as", "sam") == 2  # nothing open: no second signature
    now[0] = FRIDAY + timedelta(days=7, minutes=10)
    assert run("sign-off", "--as", "sam") == 2
    assert run("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("root → sam  swap") and lines[1].endswith("sam → root  late")
    assert run("report") == 0
    assert "## Swap: root → sam" in capsys.readouterr().out


def test_a_swap_in_place_of_the_rostered_engineer_closes_the_open_handoff(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _demo_config()
    now = [FRIDAY + timedelta(minutes=20)]
    run = _cli(now)
    assert run("swap", "--as", "root") == 2  # root is the incoming engineer: sign-off
    assert "that is a sign-off, not a swap" in capsys.readouterr().err
    assert run("swap", "--as", "chen") == 0  # chen covers root's week
    assert run("sign-off", "--as", "root") == 2
    assert "already signed by chen" in capsys.readouterr().err


def test_one_signature_per_scheduled_handoff_whoever_writes(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        first = create_draft(store, outgoing="sam", incoming="root", shift_start=FRIDAY,
                             shift_end=FRIDAY, template=(), now=SATURDAY,
                             scheduled_at=FRIDAY)  # fmt: skip
        sign(store, first.id, by="root", at=SATURDAY, digest="")
        # Another cockpit that still saw Friday open drafts and signs it again.
        second = create_draft(store, outgoing="root", incoming="sam", shift_start=FRIDAY,
                              shift_end=FRIDAY, template=(), now=SATURDAY,
                              scheduled_at=FRIDAY)  # fmt: skip
        with pytest.raises(HandoffRefused, match="already signed by root"):
            sign(store, second.id, by="sam", at=SATURDAY, digest="")
        with pytest.raises(sqlite3.IntegrityError):  # the unique index, whoever writes
            store.connection.execute(
                "UPDATE handoffs SET signed_at = created_at, signed_by = 'sam' WHERE id = ?",
                (second.id,),
            )
