"""What `cockpit alerts`, `ack` and `silence` print: JSON shapes, silence lines, the
fingerprint lookup, and the y/N question asked on a terminal."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cockpit.model.text import visible

if TYPE_CHECKING:
    from cockpit.model.alerts import Alert
    from cockpit.model.silences import Silence
    from cockpit.model.snapshots import AlertSnapshot

SILENCE_ORDER = {"active": 0, "pending": 1, "expired": 2}


def alert_json(alert: Alert, silences: dict[str, Silence]) -> dict[str, Any]:
    from cockpit.model.silences import ack_of, display_state

    ack = ack_of(alert, silences)
    return {
        "fingerprint": alert.fingerprint,
        "cluster": alert.cluster,
        "name": alert.name,
        "severity": alert.severity,
        "state": display_state(alert, silences),
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": alert.starts_at.isoformat() if alert.starts_at else None,
        "generatorURL": alert.generator_url,
        "silencedBy": list(alert.silenced_by),
        "inhibitedBy": list(alert.inhibited_by),
        "ack": None
        if ack is None
        else {
            "owner": ack.owner,
            "since": ack.since.isoformat(),
            "endsAt": ack.ends_at.isoformat(),
            "silenceID": ack.silence_id,
        },
    }


def find_alert(snapshot: AlertSnapshot, prefix: str, cluster: str = "") -> Alert | str:
    """The alert whose fingerprint starts with ``prefix`` (in ``cluster``, when named)."""
    found = [
        a
        for a in snapshot.alerts
        if a.fingerprint
        and a.fingerprint.startswith(prefix)
        and a.cluster in (cluster or a.cluster,)
    ]
    where = f" in cluster {cluster}" if cluster else ""
    if not prefix or not found:
        return f"no alert with fingerprint {prefix!r}{where}; `cockpit alerts` lists them"
    if len({a.fingerprint for a in found}) > 1:
        return f"{prefix!r} matches {len(found)} alerts; give more of the fingerprint"
    if len({a.cluster for a in found}) > 1:
        names = ", ".join(sorted({a.cluster for a in found}))
        return f"{prefix!r} is an alert in several clusters ({names}): say which with --cluster"
    return found[0]


def silence_json(silence: Silence, unmatched: bool) -> dict[str, Any]:
    return {
        "id": silence.id,
        "state": silence.state,
        "matchers": [str(m) for m in silence.matchers],
        "createdBy": silence.created_by,
        "comment": silence.comment,
        "startsAt": silence.starts_at.isoformat(),
        "endsAt": silence.ends_at.isoformat(),
        "ack": silence.is_ack,
        "matchesNoAlert": unmatched,
    }


SILENCE_ORDER = {"active": 0, "pending": 1, "expired": 2}


def silence_line(silence: Silence, unmatched: bool, now: datetime) -> str:
    from cockpit.model.durations import format_duration

    if silence.state == "expired":
        when = f"ended {format_duration(now - silence.ends_at)} ago"
    else:
        when = f"ends in {format_duration(silence.ends_in(now))}"
    flag = "  (matches no alert)" if unmatched else ""
    kind = "ack" if silence.is_ack and silence.state != "expired" else silence.state
    return (
        f"{visible(silence.id)}  {kind:<8} {visible(silence.created_by):<12} {when:<20} "
        f"{visible(silence.matcher_text)}  # {visible(silence.comment)}{flag}"
    )


def interactive() -> bool:
    return sys.stdin.isatty()


def ask(question: str) -> bool:
    """y/N on the terminal (stderr, so stdout stays the answer); no answer is no."""
    print(question, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")
