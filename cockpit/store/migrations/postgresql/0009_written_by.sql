-- 0009_written_by (PostgreSQL): see ../0009_written_by.sql. cockpit_me() reads the
-- session setting cockpit.me, which each cockpit sets as it connects (NULL when unset).
ALTER TABLE incidents ADD COLUMN written_by TEXT;
ALTER TABLE incident_components ADD COLUMN written_by TEXT;
ALTER TABLE incident_alerts ADD COLUMN written_by TEXT;
ALTER TABLE action_items ADD COLUMN written_by TEXT;
ALTER TABLE timeline_events ADD COLUMN written_by TEXT;
ALTER TABLE notes ADD COLUMN written_by TEXT;
ALTER TABLE runbook_runs ADD COLUMN written_by TEXT;
ALTER TABLE runbook_steps ADD COLUMN written_by TEXT;
ALTER TABLE handoffs ADD COLUMN written_by TEXT;
ALTER TABLE handoff_checklist_items ADD COLUMN written_by TEXT;
ALTER TABLE acks ADD COLUMN written_by TEXT;
ALTER TABLE slo_snapshots ADD COLUMN written_by TEXT;
ALTER TABLE announcements ADD COLUMN written_by TEXT;
ALTER TABLE recorder_duty ADD COLUMN written_by TEXT;
ALTER TABLE runbook_run_leases ADD COLUMN written_by TEXT;
ALTER TABLE runbook_run_takeovers ADD COLUMN written_by TEXT;
CREATE FUNCTION cockpit_me() RETURNS TEXT LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('cockpit.me', true), '') $$;
