"""The handoff checklist template: the checklist before a shift by default
(docs/domain.md, Handoff).

That checklist lists what the engineer going on call must have ready (tools) and know
(knowledge); those items are the incoming engineer's part. The outgoing part is ours:
the digest of a shift (docs/domain.md, Handoff) turned into three things to confirm.
In the config each item may start with ``outgoing:`` or ``incoming:``; without a prefix
it is incoming.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PARTS = ("outgoing", "incoming")


@dataclass(frozen=True)
class TemplateItem:
    part: str  # one of PARTS
    text: str


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a handoff's checklist as the notebook keeps it: ticked or not, by whom."""

    id: int
    position: int
    part: str  # "outgoing" or "incoming"
    text: str
    checked: bool
    checked_by: str | None
    checked_at: datetime | None


DEFAULT_TEMPLATE: tuple[TemplateItem, ...] = (
    TemplateItem("outgoing", "Digest walked through: alerts, silences, incidents, SLO budgets"),
    TemplateItem("outgoing", "Every open incident has a current update and an owner"),
    TemplateItem("outgoing", "Time-critical work and degraded components written down"),
    # The checklist before a shift, required tools (docs/domain.md, Handoff).
    TemplateItem("incoming", "Slack alert notifications on"),
    TemplateItem("incoming", "VPN access checked"),
    TemplateItem("incoming", "kubectl configured"),
    TemplateItem("incoming", "AWS/GCP access"),
    TemplateItem("incoming", "Grafana dashboards reachable"),
    TemplateItem("incoming", "Prometheus reachable"),
    TemplateItem("incoming", "Incident tool access"),
    # The checklist before a shift, required knowledge.
    TemplateItem("incoming", "Knows the SLOs and error budgets"),
    TemplateItem("incoming", "Knows where the runbooks are and how to run them"),
    TemplateItem("incoming", "Knows the health check endpoints"),
    TemplateItem("incoming", "Knows the deploy rollback procedure"),
    TemplateItem("incoming", "Knows the main alert thresholds"),
)


def parse_item(text: str) -> TemplateItem:
    """``"outgoing: Runbook links checked"`` -> the outgoing part; no prefix -> incoming.
    Raises ValueError for an empty item."""
    head, sep, rest = text.partition(":")
    part = "incoming"
    if sep and head.strip().lower() in PARTS:
        part, text = head.strip().lower(), rest
    text = text.strip()
    if not text:
        raise ValueError("a checklist item needs some text")
    return TemplateItem(part, text)
