"""The current shift: its window, who hands over to whom, its draft handoff, sign-off.

The window of a shift starts where the last one was signed (or, for the first shift in a
notebook, at the scheduled handoff a week before this shift's). It ends at the next
scheduled handoff; a digest of a draft runs up to now, a signed one up to its signature.
A signature belongs to the scheduled handoff nearest to it (so a handoff may be signed up
to half a week late or early); once that handoff is signed, the next draft belongs to the
following one, and a second sign-off for the same scheduled handoff is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cockpit.config import Config, OnCall
from cockpit.model.rotation import OnCallNow, Schedule, on_call
from cockpit.services.notify import Notification, publish
from cockpit.store import Store
from cockpit.store.handoffs import Handoff, HandoffRefused, create_draft, current_draft, last_signed
from cockpit.store.handoffs import sign as store_sign


def schedule_of(oncall: OnCall) -> Schedule:
    return Schedule(oncall.handoff_day, oncall.handoff_time, ZoneInfo(oncall.timezone))


def on_call_now(oncall: OnCall, now: datetime) -> OnCallNow:
    return on_call(oncall.roster, schedule_of(oncall), now, oncall.rotation_start)


def _week_before(schedule: Schedule, at: datetime) -> datetime:
    local = at.astimezone(schedule.zone)
    return datetime.combine(local.date() - timedelta(days=7), schedule.at, schedule.zone)


def _week_after(schedule: Schedule, at: datetime) -> datetime:
    local = at.astimezone(schedule.zone)
    return datetime.combine(local.date() + timedelta(days=7), schedule.at, schedule.zone)


def nearest_handoff(schedule: Schedule, at: datetime) -> datetime:
    before = schedule.previous_at_or_before(at)
    after = schedule.next_after(at)
    return before if at - before <= after - at else after


@dataclass(frozen=True)
class ShiftPlan:
    start: datetime
    handoff_at: datetime  # the scheduled handoff that ends this shift
    outgoing: str
    incoming: str | None
    draft: Handoff | None
    signed_for_this_handoff: Handoff | None  # the last signed, when it closed the last slot


def plan_shift(store: Store, oncall: OnCall, now: datetime) -> ShiftPlan:
    schedule = schedule_of(oncall)
    # A signature belongs to the scheduled handoff nearest to it (late or early by up to
    # half a week); one signature per scheduled handoff.
    handoff_at = nearest_handoff(schedule, now)
    last = last_signed(store, before=now)
    signed_slot = None
    signed_at = last.signed_at if last is not None else None
    if signed_at is not None and nearest_handoff(schedule, signed_at) >= handoff_at:
        signed_slot = last
        handoff_at = _week_after(schedule, handoff_at)
    draft = current_draft(store)
    rotation = on_call(oncall.roster, schedule, handoff_at - timedelta(minutes=1),
                       oncall.rotation_start)  # fmt: skip
    outgoing = rotation.current or oncall.me
    incoming = rotation.next
    if draft is not None:
        return ShiftPlan(draft.shift_start, handoff_at, draft.outgoing, draft.incoming, draft,
                         signed_slot)  # fmt: skip
    if last is not None and last.signed_at is not None:
        start = last.signed_at
    else:
        start = _week_before(schedule, handoff_at)
    return ShiftPlan(min(start, now), handoff_at, outgoing, incoming, None, signed_slot)


def ensure_draft(store: Store, config: Config, now: datetime) -> Handoff:
    """The draft handoff of the current shift, created from the checklist template."""
    plan = plan_shift(store, config.oncall, now)
    if plan.draft is not None:
        return plan.draft
    return create_draft(
        store,
        outgoing=plan.outgoing,
        incoming=plan.incoming,
        shift_start=plan.start,
        shift_end=max(plan.handoff_at, plan.start),
        template=config.handoff.checklist,
        now=now,
    )


def refuse_if_already_signed(store: Store, config: Config, now: datetime) -> None:
    plan = plan_shift(store, config.oncall, now)
    done = plan.signed_for_this_handoff
    if plan.draft is None and done is not None and done.signed_at is not None:
        zone = ZoneInfo(config.oncall.timezone)
        raise HandoffRefused(
            f"this week's handoff was already signed by {done.signed_by} at "
            f"{done.signed_at.astimezone(zone):%a %Y-%m-%d %H:%M %Z}; a signed handoff is "
            f"read-only. The next one is due {plan.handoff_at:%a %Y-%m-%d %H:%M}."
        )


def sign_off(store: Store, handoff: Handoff, *, by: str, now: datetime, digest: str) -> Handoff:
    """Sign ``handoff`` as ``by`` and tell the notifiers; a failing notifier never undoes
    the signature (publish swallows sink errors)."""
    signed = store_sign(store, handoff.id, by=by, at=now, digest=digest)
    unticked = [i.text for i in signed.checklist if not i.checked]
    publish(
        Notification(
            kind="handoff_signed",
            subject=f"handoff-{signed.id}",
            title=f"Handoff signed: {signed.outgoing} → {signed.signed_by}",
            at=now,
            text=(
                f"{len(unticked)} checklist item(s) not ticked"
                if unticked
                else "checklist complete"
            ),
            fields={
                "outgoing": signed.outgoing,
                "signed_by": signed.signed_by or "",
                "shift_start": signed.shift_start.isoformat(),
                "shift_end": signed.shift_end.isoformat(),
            },
        )
    )
    return signed
