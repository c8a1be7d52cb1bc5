"""The shift window, the digest of a seeded notebook with every section filled, its
Markdown and JSON, and the weekly review of the same notebook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, OnCall, parse
from cockpit.model.matchers import exact
from cockpit.model.silences import Silence, from_api
from cockpit.reports.handoff import render_markdown
from cockpit.reports.markdown import to_jsonable
from cockpit.reports.review import render_markdown as render_review
from cockpit.services.handoff_digest import build_digest
from cockpit.services.handoff_live import LiveState
from cockpit.services.shift import ensure_draft, plan_shift, sign_off
from cockpit.services.weekly_review import build_review, parse_week, week_bounds
from cockpit.store import Notebook, open_notebook
from tests import handoff_seed as seed
from tests.handoff_seed import LAST_SIGNED, NOW

CONFIG = """
[oncall]
me = "alice"
roster = ["alice", "bob", "chen"]
timezone = "Europe/Berlin"
rotation_start = "2026-10-02"

[[slo]]
name = "api-availability"
objective = 99.9
good = 'sum(rate(ok[{{window}}]))'
total = 'sum(rate(all[{{window}}]))'
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    import tomllib

    return parse(tomllib.loads(CONFIG), tmp_path / "config.toml")


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


# --- the shift window --------------------------------------------------------------------


def test_first_shift_starts_a_week_before_its_handoff(store: Notebook, config: Config) -> None:
    plan = plan_shift(store, config.oncall, NOW)  # Fri 20 Nov 16:30 Berlin
    assert plan.handoff_at == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert plan.start == datetime(2026, 11, 13, 16, 0, tzinfo=UTC)
    # Anchor 2 Oct alice; 9 Oct bob; ... 13 Nov: 6 turns later -> alice; bob is next.
    assert (plan.outgoing, plan.incoming) == ("alice", "bob")


def test_shift_starts_where_the_last_one_took_over(store: Notebook, config: Config) -> None:
    seed.seed_last_signed(store)  # signed 17:05 for the handoff of 17:00
    plan = plan_shift(store, config.oncall, NOW)
    assert plan.start == LAST_SIGNED - timedelta(minutes=5)
    assert plan.handoff_at == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert plan.open  # half an hour before it: the reminder is up, it may be signed


def test_shift_window_across_the_dst_change(store: Notebook) -> None:
    oncall = OnCall(me="alice", roster=("alice", "bob"), timezone="Europe/Berlin")
    config = Config(path=None, oncall=oncall)
    signed_at = datetime(2026, 10, 23, 15, 2, tzinfo=UTC)  # 17:02 CEST, on time
    draft = ensure_draft(store, config, signed_at)
    assert draft.scheduled_at == datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    sign_off(store, draft, by=str(draft.incoming), now=signed_at, digest="# x",
             plan=plan_shift(store, oncall, signed_at))  # fmt: skip
    now = datetime(2026, 10, 28, 9, 0, tzinfo=UTC)  # Wednesday after the 25 Oct change
    plan = plan_shift(store, oncall, now)
    assert plan.handoff_at == datetime(2026, 10, 30, 16, 0, tzinfo=UTC)  # 17:00 CET
    assert plan.start == datetime(2026, 10, 23, 15, 0, tzinfo=UTC)  # 17:00 CEST
    assert not plan.open


def test_a_fresh_notebook_has_the_last_scheduled_handoff_open_and_late(store: Notebook) -> None:
    oncall = OnCall(me="alice", roster=("alice", "bob"), timezone="Europe/Berlin")
    now = datetime(2026, 10, 28, 9, 0, tzinfo=UTC)
    plan = plan_shift(store, oncall, now)
    assert plan.open and plan.handoff_at == datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    pending = plan.rotation.pending
    assert pending is not None and pending.late(now)


def test_late_sign_off_counts_for_the_past_handoff_then_next_week(
    store: Notebook, config: Config
) -> None:
    from cockpit.services.handoff_sign import sign_current
    from cockpit.store.handoffs import HandoffRefused

    late = NOW + timedelta(days=1)  # Saturday: the Friday handoff was missed
    draft = ensure_draft(store, config, late)
    assert draft.scheduled_at == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    signed = sign_current(store, config, by="bob", live=LiveState(), now=late)
    assert signed.late and signed.shift_end == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert "late: scheduled Fri 2026-11-20 17:00 CET" in signed.digest
    with pytest.raises(HandoffRefused, match="already signed by bob"):
        sign_current(store, config, by="chen", live=LiveState(), now=late + timedelta(hours=1))
    following = plan_shift(store, config.oncall, late + timedelta(hours=1))
    # bob was on call from the scheduled time: his shift starts there, not at the signature.
    assert following.start == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert following.handoff_at == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert (following.outgoing, following.incoming) == ("bob", "chen")


# --- the digest --------------------------------------------------------------------------


def _digest(store: Notebook, config: Config, live: LiveState | None = None):  # type: ignore[no-untyped-def]
    seed.seed_last_signed(store)
    ids = seed.seed_shift(store)
    draft = ensure_draft(store, config, NOW)
    from cockpit.store.handoffs import save_text, tick

    save_text(store, draft.id, "time_critical", "Cert for api.example.com renews Monday 09:00")
    save_text(store, draft.id, "at_risk", "db-2 replica lagging")
    save_text(store, draft.id, "notes", "Quiet night except the 5xx spike.")
    tick(store, draft.checklist[0].id, checked=True, by="alice", at=NOW)
    from cockpit.store.handoffs import get_handoff

    handoff = get_handoff(store, draft.id)
    assert handoff is not None
    return build_digest(store, config, handoff, live or seed.live(), NOW), ids


def test_digest_has_every_section_filled(store: Notebook, config: Config) -> None:
    d, ids = _digest(store, config)
    took_over = LAST_SIGNED - timedelta(minutes=5)  # the scheduled time of the last handoff
    assert (d.outgoing, d.incoming, d.start, d.end) == ("alice", "bob", took_over, NOW)
    assert d.firing_unacked is not None
    assert [a.name for a in d.firing_unacked] == ["DiskFull"]  # pending CpuHigh is not news
    assert [(a.name, a.owner, a.age, a.still_firing) for a in d.acked] == [
        ("HighLatency", "alice", timedelta(minutes=45), True)
    ]  # the ack of the resolved HighErrorRate shows on its resolved line instead
    assert [(r.name, r.fired_at, r.acked_by) for r in d.resolved] == [
        ("HighErrorRate", seed.T, ("alice",))
    ]
    assert d.silences_created is not None and d.silences_expiring is not None
    assert [s.id for s in d.silences_created] == ["s-maint", "s-ack-2"]
    assert [s.id for s in d.silences_expiring] == ["s-ack-2", "s-soon"]
    by_id = {i.id: i for i in d.incidents}
    assert set(by_id) == {ids["closed"], ids["open"]}
    closed, still = by_id[ids["closed"]], by_id[ids["open"]]
    assert (closed.opened_in_shift, closed.closed_in_shift, closed.still_open) == (
        True,
        True,
        False,
    )
    assert closed.last_update is not None and closed.last_update.body == "resolved: rolled back"
    assert (still.opened_in_shift, still.closed_in_shift, still.still_open) == (False, False, True)
    assert still.last_update is not None and "Lag down" in still.last_update.body
    budgets = {b.slo: b for b in d.budgets}
    assert budgets["api-availability"].at_start == 0.80
    assert budgets["api-availability"].now == 0.62
    assert budgets["api-availability"].change == pytest.approx(-0.18)
    # Only snapshotted, not configured: still shown, from its first snapshot in the shift.
    assert budgets["api-latency"].now == 0.55
    assert [(r.runbook, r.steps, r.steps_done, r.steps_skipped) for r in d.runbook_runs] == [
        ("high-error-rate", 3, 2, 1)
    ]
    assert [(p.probe, p.downs, p.ups, p.last_kind) for p in d.probe_flaps] == [
        ("ready", 2, 2, "probe_up"),
        ("redis", 1, 0, "probe_down"),
    ]
    assert d.time_critical.startswith("Cert") and d.at_risk and d.notes
    assert d.checklist[0].checked and d.checklist[0].checked_by == "alice"
    assert d.problems == ()


def _sections(text: str) -> dict[str, str]:
    parts = text.split("\n### ")[1:]
    return {part.split("\n", 1)[0]: part.split("\n", 1)[1] for part in parts}


def test_digest_markdown_names_each_thing_once(store: Notebook, config: Config) -> None:
    d, ids = _digest(store, config)
    text = render_markdown(d)
    sections = _sections(text)
    expected = {
        "Alerts firing, not acknowledged": ["`DiskFull`"],
        "Alerts acknowledged": ["`HighLatency`"],
        "Alerts resolved during the shift": ["`HighErrorRate`"],
        "Silences created during the shift": ["db-2 maintenance", "ACK! looking at latency"],
        "Silences expiring in the next 12 hours": ["deploy window", "ACK! looking at latency"],
        "Incidents": [ids["closed"], ids["open"]],
        "Runbook runs": ["`high-error-rate`"],
        "Probe flaps": ["`ready`: down 2 times", "`redis`: down 1 time"],
        "Time-critical work handed over": ["Cert for api.example.com"],
        "Components degraded or at risk": ["db-2 replica lagging"],
        "Shift notes": ["Quiet night"],
    }
    for heading, needles in expected.items():
        for needle in needles:
            assert sections[heading].count(needle) == 1, (heading, needle)
    # Each alert, incident and run is listed in one section only (a run names its incident).
    for needle in (
        "`DiskFull`",
        "`HighErrorRate`",
        "`HighLatency`",
        "`high-error-rate`",
        ids["open"],
    ):
        assert text.count(needle) == 1, needle
    assert "acked by alice" in sections["Alerts resolved during the shift"]
    assert "Replica lag on db-2: investigating, open since" in sections["Incidents"]
    assert "resolved Tue 16:52" in sections["Incidents"]
    assert "80.0% → 62.0% (-18.0 pts)" in text
    assert "|" not in text and "<" not in text  # no tables, no HTML: pastes into Slack too
    assert "  - [x] Digest walked through" in text
    assert "Fri 2026-11-20 16:30 CET" in text  # shown in the team's zone


def test_digest_json_round_trips(store: Notebook, config: Config) -> None:
    d, _ = _digest(store, config)
    data = json.loads(json.dumps(to_jsonable(d)))
    assert data["outgoing"] == "alice"
    assert data["incidents"][0]["still_open"] in (True, False)
    assert data["budgets"][0]["change"] == pytest.approx(-0.18)
    assert data["acked"][0]["age"] == 45 * 60


def test_digest_without_live_sources_says_why(store: Notebook, config: Config) -> None:
    live = LiveState(None, "no Alertmanager configured", None, "connection refused")
    d, _ = _digest(store, config, live)
    assert d.firing_unacked is None and d.silences_created is None
    assert [(a.name, a.still_firing) for a in d.acked] == [("HighLatency", None)]
    text = render_markdown(d)
    assert "- not known: alerts: no Alertmanager configured" in text
    assert "- not known: silences: connection refused" in text


def test_signed_digest_renders_the_signature(store: Notebook, config: Config) -> None:
    d, _ = _digest(store, config)
    text = render_markdown(replace(d, signed_by="bob", signed_at=NOW))
    assert "signed by bob at Fri 2026-11-20 16:30 CET" in text


def _karma_ack(sid: str, labels: dict[str, str], who: str, at: datetime) -> Silence:
    """An ack as karma writes it (read through the alerts feature's parser)."""
    silence = from_api(
        {
            "id": sid,
            "createdBy": who,
            "comment": "ACK! This alert was acknowledged using karma on Fri, 20 Nov 2026",
            "startsAt": at.isoformat(),
            "endsAt": (at + timedelta(hours=1)).isoformat(),
            "status": {"state": "active"},
            "matchers": [m.to_api() for m in exact(labels)],
        }
    )
    assert silence is not None and silence.is_ack
    return silence


def test_an_ack_made_in_karma_shows_as_acknowledged_with_its_owner(
    store: Notebook, config: Config
) -> None:
    base = seed.live()
    assert base.alerts is not None and base.silences is not None
    disk = replace(base.alerts[1], state="silenced", silenced_by=("s-karma",))
    ack = _karma_ack("s-karma", seed.DISK_LABELS, "dave", NOW - timedelta(minutes=10))
    live = LiveState((base.alerts[0], disk, base.alerts[2]), None, (*base.silences, ack), None)
    d, _ = _digest(store, config, live)
    assert d.firing_unacked == ()  # DiskFull is acked now: not news, and not gone either
    assert [(a.name, a.owner, a.age, a.expires_at, a.still_firing) for a in d.acked] == [
        ("HighLatency", "alice", timedelta(minutes=45), NOW + timedelta(hours=3), True),
        ("DiskFull", "dave", timedelta(minutes=10), ack.ends_at, True),
    ]
    sections = _sections(render_markdown(d))
    assert "`DiskFull`" in sections["Alerts acknowledged"]
    assert "acked by dave" in sections["Alerts acknowledged"]


def test_only_a_comment_starting_with_ack_bang_is_an_ack(store: Notebook, config: Config) -> None:
    base = seed.live()
    assert base.alerts is not None and base.silences is not None
    disk = replace(base.alerts[1], state="silenced", silenced_by=("s-quiet",))
    quiet = replace(
        _karma_ack("s-quiet", seed.DISK_LABELS, "dave", NOW - timedelta(minutes=10)),
        comment="acked: disk cleanup running",  # not karma's convention: a plain silence
    )
    live = LiveState((base.alerts[0], disk), None, (*base.silences, quiet), None)
    d, _ = _digest(store, config, live)
    assert [a.name for a in d.acked] == ["HighLatency"]
    assert d.firing_unacked == ()  # silenced: handled, so not news either


def test_a_notebook_ack_whose_silence_is_gone_is_not_acknowledged(
    store: Notebook, config: Config
) -> None:
    # Someone expired the ack silence elsewhere: HighLatency fires again, unacked, even
    # though this notebook still has the ack row.
    base = seed.live()
    assert base.alerts is not None and base.silences is not None
    latency = replace(base.alerts[0], state="firing", silenced_by=())
    silences = tuple(s for s in base.silences if s.id != "s-ack-2")
    d, _ = _digest(store, config, LiveState((latency, *base.alerts[1:]), None, silences, None))
    assert d.acked == ()
    assert d.firing_unacked is not None
    assert [a.name for a in d.firing_unacked] == ["HighLatency", "DiskFull"]


def test_acks_come_from_the_notebook_when_silences_are_not_known(
    store: Notebook, config: Config
) -> None:
    base = seed.live()
    live = LiveState(base.alerts, None, None, "Alertmanager: connection refused")
    d, _ = _digest(store, config, live)
    assert [(a.name, a.owner, a.still_firing) for a in d.acked] == [("HighLatency", "alice", True)]
    assert d.firing_unacked is not None
    assert [a.name for a in d.firing_unacked] == ["DiskFull"]
    assert d.problems == ("silences: Alertmanager: connection refused",)


def test_a_resolved_alert_names_who_acked_it_in_karma_too(store: Notebook, config: Config) -> None:
    base = seed.live()
    assert base.silences is not None
    karma = _karma_ack("s-karma-err", seed.ERR_LABELS, "dave", seed.T + timedelta(minutes=4))
    live = LiveState(base.alerts, None, (*base.silences, karma), None)
    d, _ = _digest(store, config, live)
    assert [(r.name, r.acked_by) for r in d.resolved] == [("HighErrorRate", ("alice", "dave"))]


def test_last_update_counts_status_updates_only(store: Notebook, config: Config) -> None:
    from cockpit.store.incident_notes import add_note, last_status_update

    d, ids = _digest(store, config)
    still = next(i for i in d.incidents if i.id == ids["open"])
    add_note(store, ids["open"], "private: checking vacuum", at=NOW - timedelta(minutes=5))
    draft = ensure_draft(store, config, NOW)
    after = next(
        i for i in build_digest(store, config, draft, seed.live(), NOW).incidents
        if i.id == ids["open"]
    )  # fmt: skip
    assert after.last_update == still.last_update  # a private note is not a status update
    assert after.last_update is not None
    assert after.last_update.at == last_status_update(store, ids["open"])


# --- the weekly review -------------------------------------------------------------------


def test_weekly_review_of_the_seeded_week(store: Notebook, config: Config) -> None:
    ids = seed.seed_shift(store)
    review = build_review(store, config, NOW, parse_week("2026-W47"))
    assert review.label == "2026-W47"
    assert review.start == week_bounds(2026, 47, review.start.tzinfo)[0]  # type: ignore[arg-type]
    assert [i.id for i in review.incidents] == [ids["closed"]]  # the other is from W46
    assert dict(review.by_severity) == {"Sev1": 0, "Sev2": 1, "Sev3": 0, "Sev4": 0}
    assert review.mtta.count == 1 and review.mtta.mean == timedelta(minutes=5)
    assert review.mttr.count == 1 and review.mttr.mean == timedelta(minutes=20)
    assert [m.id for m in review.missing_postmortems] == [ids["closed"]]
    assert [(a.what, a.owner) for a in review.action_items] == [
        ("Alert on rollout error rate", "bob")
    ]
    noisiest = [(n.name, n.fired) for n in review.noisiest]
    assert noisiest == [("HighErrorRate", 1), ("HighLatency", 1)]
    assert [(p.probe, p.downs) for p in review.probe_flaps] == [("ready", 2), ("redis", 1)]
    budgets = {b.slo: b for b in review.budgets}
    assert budgets["api-availability"].consumed == pytest.approx(0.18)
    text = render_review(review)
    # By severity, without a postmortem, and as the source of its action item.
    assert text.count(ids["closed"]) == 3
    assert "MTTA: mean 5m" in text and "MTTR: mean 20m" in text
    assert "`HighErrorRate`: fired 1 time" in text
    assert "due 2026-11-27" in text


def test_parse_week_refuses_nonsense() -> None:
    assert parse_week("2026-W01") == (2026, 1)
    for bad, why in (("2026-47", "ISO week"), ("2026-W54", "no week 54")):
        with pytest.raises(ValueError, match=why):
            parse_week(bad)


def test_a_week_without_snapshots_says_so(store: Notebook, config: Config) -> None:
    seed.seed_shift(store)
    review = build_review(store, config, NOW, parse_week("2026-W48"))  # next week, no data
    assert [b.consumed for b in review.budgets] == [None, None]
    assert review.incidents == () and review.noisiest == ()
    assert "`api-availability`: no budget snapshots this week" in render_review(review)


def test_live_state_without_alertmanager_says_why(tmp_path: Path) -> None:
    import asyncio

    import httpx

    from cockpit.services.handoff_live import fetch_live

    config = parse({"prometheus": {"url": "http://127.0.0.1:9"}}, tmp_path / "c.toml")

    async def run() -> LiveState:
        async with httpx.AsyncClient() as client:
            return await fetch_live(config, client)

    live = asyncio.run(run())
    assert (live.alerts, live.silences) == (None, None)
    assert (
        live.alerts_problem
        == live.silences_problem
        == ("no Alertmanager configured ([alertmanager] url)")
    )


def test_digest_of_a_quiet_shift_says_none_everywhere(store: Notebook, config: Config) -> None:
    draft = ensure_draft(store, config, NOW)
    d = build_digest(store, config, draft, LiveState((), None, (), None), NOW)
    sections = _sections(render_markdown(d))
    quiet = (
        "Alerts firing, not acknowledged",
        "Alerts acknowledged",
        "Incidents",
        "Alerts resolved during the shift",
        "Silences created during the shift",
        "Silences expiring in the next 12 hours",
        "Runbook runs",
        "Probe flaps",
    )
    for heading in quiet:
        assert sections[heading].strip() == "- none", heading
    assert (
        "`api-availability`: no budget snapshot in the shift yet"
        in sections["SLO error budget left (shift start → now)"]
    )
    assert sections["Shift notes"].strip() == "(no notes)"


def test_probe_flaps_count_the_window_and_name_the_last_change(store: Notebook) -> None:
    from cockpit.model.timeline import TimelineEvent
    from cockpit.store.digest_queries import probe_flaps
    from cockpit.store.events import record_events

    t = NOW - timedelta(hours=2)
    changes = [  # (probe, kind, minutes after t)
        ("api", "probe_down", -5), ("api", "probe_down", 1), ("api", "probe_up", 2),
        ("api", "probe_down", 3), ("api", "probe_up", 3),  # same moment: recorded last wins
        ("db", "probe_down", 4), ("db", "probe_up", 4), ("db", "probe_down", 4),
        ("web", "probe_up", 5), ("web", "probe_down", 70),  # after the window
    ]  # fmt: skip
    record_events(
        store,
        [
            TimelineEvent(kind=kind, occurred_at=t + timedelta(minutes=m), source="probes",
                          subject=probe, component=f"{probe}-svc")
            for probe, kind, m in changes
        ],
    )  # fmt: skip
    flaps = probe_flaps(store, t, t + timedelta(hours=1))
    assert [(p.probe, p.component, p.downs, p.ups, p.last_kind) for p in flaps] == [
        ("api", "api-svc", 2, 2, "probe_up"),
        ("db", "db-svc", 2, 1, "probe_down"),
        ("web", "web-svc", 0, 1, "probe_up"),
    ]
    assert flaps[0].first_down == t + timedelta(minutes=1)
    assert flaps[0].last_change == t + timedelta(minutes=3) and flaps[2].first_down is None
