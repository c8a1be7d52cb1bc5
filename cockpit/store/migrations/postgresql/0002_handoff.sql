-- 0002_handoff (PostgreSQL): see ../0002_handoff.sql. A signed handoff is read-only: the
-- triggers refuse any change to it or to its checklist, whoever writes.

ALTER TABLE handoffs ADD COLUMN time_critical TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN at_risk TEXT NOT NULL DEFAULT '';
ALTER TABLE handoff_checklist_items ADD COLUMN part TEXT NOT NULL DEFAULT 'incoming'
    CHECK (part IN ('outgoing', 'incoming'));

CREATE UNIQUE INDEX handoffs_one_draft ON handoffs ((signed_at IS NULL)) WHERE signed_at IS NULL;
CREATE INDEX handoffs_signed_at ON handoffs (signed_at) WHERE signed_at IS NOT NULL;

CREATE FUNCTION handoff_signed_read_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'this handoff is signed and read-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER handoffs_signed_read_only BEFORE UPDATE ON handoffs
FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL)
EXECUTE FUNCTION handoff_signed_read_only();

CREATE TRIGGER handoffs_signed_no_delete BEFORE DELETE ON handoffs
FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL)
EXECUTE FUNCTION handoff_signed_read_only();

CREATE FUNCTION handoff_items_signed_read_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT signed_at FROM handoffs
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.handoff_id ELSE OLD.handoff_id END)
       IS NOT NULL THEN
        RAISE EXCEPTION 'this handoff is signed and read-only' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER handoff_items_signed_read_only BEFORE UPDATE ON handoff_checklist_items
FOR EACH ROW EXECUTE FUNCTION handoff_items_signed_read_only();

CREATE TRIGGER handoff_items_signed_no_insert BEFORE INSERT ON handoff_checklist_items
FOR EACH ROW EXECUTE FUNCTION handoff_items_signed_read_only();
