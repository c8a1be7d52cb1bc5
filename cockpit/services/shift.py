"""The current shift: who is on call, its window, its draft handoff, sign-off and swaps.

Every view asks ``rotation_now`` (the rule is ``model.rotation.rotation``): the header,
the handoff screen, the digest and the CLI. The draft handoff always heads for the
handoff the rule names: the open one (the latest scheduled handoff with no signature,
signable from an hour before its time, late after) or else the next one. Sign-off signs
only the open one, and only as its incoming engineer; one signature per scheduled
handoff. Handing over at any other time, or to someone the roster does not name, is a
swap: ``swap`` records it as a handoff of kind "swap".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cockpit.config import Config, OnCall
from cockpit.model.rotation import HandoffRecord, Rotation, Schedule, rotation
from cockpit.services.notify import Notification, publish
from cockpit.store import Notebook
from cockpit.store.handoffs import (
    Handoff,
    HandoffRefused,
    create_draft,
    current_draft,
    last_signed,
    retarget_draft,
)
from cockpit.store.handoffs import sign as store_sign


def schedule_of(oncall: OnCall) -> Schedule:
    return Schedule(oncall.handoff_day, oncall.handoff_time, ZoneInfo(oncall.timezone))


def rotation_of(oncall: OnCall, last: HandoffRecord | None, now: datetime) -> Rotation:
    """The rule, for callers that already hold the last signature (the header)."""
    return rotation(oncall.roster, schedule_of(oncall), now, last, oncall.rotation_start)


def last_record(store: Notebook, now: datetime) -> HandoffRecord | None:
    signed = last_signed(store, before=now)
    return signed.record() if signed is not None else None


def rotation_now(store: Notebook, oncall: OnCall, now: datetime) -> Rotation:
    return rotation_of(oncall, last_record(store, now), now)


@dataclass(frozen=True)
class ShiftPlan:
    start: datetime
    handoff_at: datetime  # the scheduled handoff that ends this shift
    outgoing: str
    incoming: str | None
    draft: Handoff | None
    open: bool  # the handoff at handoff_at may be signed now
    rotation: Rotation


def plan_shift(store: Notebook, oncall: OnCall, now: datetime) -> ShiftPlan:
    state = rotation_now(store, oncall, now)
    draft = current_draft(store)
    pending = state.pending
    if pending is not None:
        outgoing, incoming = pending.outgoing, pending.incoming
        start, handoff_at = pending.shift_start, pending.scheduled_at
    else:
        outgoing, incoming = state.current, state.next
        start, handoff_at = state.since, state.handoff_at
    return ShiftPlan(min(start, now), handoff_at, outgoing or oncall.me, incoming, draft,
                     pending is not None, state)  # fmt: skip


def ensure_draft(store: Notebook, config: Config, now: datetime) -> Handoff:
    """The draft handoff of the current shift, created from the checklist template, or
    the existing draft pointed at the handoff the rotation names now."""
    plan = plan_shift(store, config.oncall, now)
    draft = plan.draft
    if store.read_only is not None:  # shown as it is: the on-call's cockpit keeps it
        if draft is None:
            raise HandoffRefused(
                f"no handoff has been started for this shift, and {store.read_only}: "
                "the on-call engineer's cockpit starts it"
            )
        return draft
    if draft is None:
        return create_draft(
            store,
            outgoing=plan.outgoing,
            incoming=plan.incoming,
            shift_start=plan.start,
            shift_end=max(plan.handoff_at, plan.start),
            template=config.handoff.checklist,
            now=now,
            scheduled_at=plan.handoff_at,
        )
    wanted = (plan.outgoing, plan.incoming, plan.handoff_at, plan.start)
    if (draft.outgoing, draft.incoming, draft.scheduled_at, draft.shift_start) == wanted:
        return draft
    if not plan.outgoing.strip():
        raise HandoffRefused(
            "nobody is on call: set [oncall] roster (or me) in the config, then try again"
        )
    return retarget_draft(
        store,
        draft.id,
        outgoing=plan.outgoing,
        incoming=plan.incoming,
        scheduled_at=plan.handoff_at,
        shift_start=plan.start,
        shift_end=plan.handoff_at,
    )


def _when(at: datetime, zone: ZoneInfo) -> str:
    return f"{at.astimezone(zone):%a %Y-%m-%d %H:%M %Z}"


def refuse_unless_open(store: Notebook, config: Config, now: datetime) -> ShiftPlan:
    """Sign-off is for the open scheduled handoff only; the refusal says why and what
    to do instead."""
    plan = plan_shift(store, config.oncall, now)
    if plan.open:
        return plan
    zone = ZoneInfo(config.oncall.timezone)
    closed = plan.rotation.closed
    done = ""
    if closed is not None:
        done = (
            f"the handoff of {_when(closed.scheduled_at or closed.signed_at, zone)} was "
            f"already signed by {closed.incoming} at {_when(closed.signed_at, zone)}; "
        )
    nxt = plan.rotation.next or "the next on call"
    raise HandoffRefused(
        f"{done}no scheduled handoff is open now: the next one ({plan.outgoing} → {nxt}) "
        f"is due {_when(plan.handoff_at, zone)} and can be signed from an hour before. "
        f"To hand over earlier, record a swap: cockpit handoff swap --as NAME"
    )


def refuse_bad_swap(store: Notebook, config: Config, name: str, now: datetime) -> ShiftPlan:
    plan = plan_shift(store, config.oncall, now)
    who = name.strip().casefold()
    if not who:
        raise HandoffRefused("name who takes the shift over: --as NAME")
    if plan.open and plan.incoming is not None and who == plan.incoming.casefold():
        raise HandoffRefused(
            f"{plan.incoming} is the incoming engineer of the open handoff; that is a "
            f"sign-off, not a swap: cockpit handoff sign-off --as {plan.incoming}"
        )
    current = plan.rotation.current or ""
    if not plan.open and who == current.casefold():
        raise HandoffRefused(f"{current} is already on call; nothing to swap")
    return plan


def sign_off(
    store: Notebook,
    handoff: Handoff,
    *,
    by: str,
    now: datetime,
    digest: str,
    plan: ShiftPlan | None = None,
    swap: bool = False,
) -> Handoff:
    """Sign ``handoff`` as ``by`` and tell the notifiers; a failing notifier never undoes
    the signature (publish swallows sink errors). A late signature ends the outgoing
    engineer's shift at the scheduled time: the incoming engineer was on call from then."""
    shift_end = None
    if plan is not None and plan.open and now > plan.handoff_at:
        shift_end = plan.handoff_at
    signed = store_sign(store, handoff.id, by=by, at=now, digest=digest, shift_end=shift_end,
                        swap=swap, closes_slot=plan is None or plan.open)  # fmt: skip
    unticked = [i.text for i in signed.checklist if not i.checked]
    what = "Swap" if swap else "Handoff signed"
    publish(
        Notification(
            kind="handoff_signed",
            subject=f"handoff-{signed.id}",
            title=f"{what}: {signed.outgoing} → {signed.signed_by}",
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
                "kind": signed.kind,
                "late": "yes" if signed.late else "no",
            },
        )
    )
    return signed
