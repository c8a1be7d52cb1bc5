-- 0009_written_by: every row says who wrote it: the [oncall] me of the cockpit that wrote
-- it last (NULL: written before this migration, or by a cockpit that knows no name).
-- Writers fill it with cockpit_me(), a function each connection provides (SQLite: registered
-- by the cockpit on its connection; PostgreSQL: made here, reading the session's cockpit.me).
-- What each person did stays in the timeline events (their author column).
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
