-- 0002_handoff: what a shift handoff needs beyond 0001.
--
-- * Two more free-text sections beside `notes` (which is the shift's scratchpad, saved as
--   you type): time-critical work handed over, and components degraded or at risk.
-- * Each checklist item belongs to one side: the outgoing engineer ticks theirs, the
--   incoming engineer ticks theirs and signs.
-- * At most one draft (unsigned) handoff at a time, and a signed handoff is read-only:
--   the triggers refuse any change to it or to its checklist, whoever writes.

ALTER TABLE handoffs ADD COLUMN time_critical TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN at_risk TEXT NOT NULL DEFAULT '';
ALTER TABLE handoff_checklist_items ADD COLUMN part TEXT NOT NULL DEFAULT 'incoming'
    CHECK (part IN ('outgoing', 'incoming'));

CREATE UNIQUE INDEX handoffs_one_draft ON handoffs ((signed_at IS NULL)) WHERE signed_at IS NULL;
CREATE INDEX handoffs_signed_at ON handoffs (signed_at) WHERE signed_at IS NOT NULL;

CREATE TRIGGER handoffs_signed_read_only BEFORE UPDATE ON handoffs
WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'this handoff is signed and read-only');
END;

CREATE TRIGGER handoffs_signed_no_delete BEFORE DELETE ON handoffs
WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'this handoff is signed and read-only');
END;

CREATE TRIGGER handoff_items_signed_read_only BEFORE UPDATE ON handoff_checklist_items
WHEN (SELECT signed_at FROM handoffs WHERE id = OLD.handoff_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'this handoff is signed and read-only');
END;

CREATE TRIGGER handoff_items_signed_no_insert BEFORE INSERT ON handoff_checklist_items
WHEN (SELECT signed_at FROM handoffs WHERE id = NEW.handoff_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'this handoff is signed and read-only');
END;
