"""Sign-off and swap as one use case each, the same for the TUI and the CLI: check the
rotation rule, point the draft at the open handoff, keep the digest as signed, sign."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from cockpit.config import Config
from cockpit.reports.handoff import render_markdown
from cockpit.services.handoff_digest import build_digest
from cockpit.services.handoff_live import LiveState
from cockpit.services.shift import ensure_draft, refuse_bad_swap, refuse_unless_open, sign_off
from cockpit.store import Notebook
from cockpit.store.handoffs import Handoff, HandoffRefused


def sign_current(
    store: Notebook,
    config: Config,
    *,
    by: str,
    live: LiveState,
    now: datetime,
    swap: bool = False,
    expected_id: int | None = None,
) -> Handoff:
    """Sign the open scheduled handoff as ``by`` (its incoming engineer), or with ``swap``
    record that ``by`` takes the shift over now. ``expected_id``: the draft the caller
    showed; if the rotation moved on meanwhile the caller is told to look again."""
    plan = (
        refuse_bad_swap(store, config, by, now) if swap else refuse_unless_open(store, config, now)
    )
    draft = ensure_draft(store, config, now)
    if expected_id is not None and draft.id != expected_id:
        raise HandoffRefused("the handoff changed meanwhile (someone else signed it); look again")
    digest = build_digest(store, config, draft, live, now)
    name = by.strip()
    if swap:
        digest = replace(digest, incoming=name, swap=True,
                         scheduled_at=plan.handoff_at if plan.open else None)  # fmt: skip
    elif draft.incoming:
        name = draft.incoming if name.casefold() == draft.incoming.casefold() else name
    text = render_markdown(replace(digest, signed_by=name, signed_at=now))
    return sign_off(store, draft, by=by, now=now, digest=text, plan=plan, swap=swap)
