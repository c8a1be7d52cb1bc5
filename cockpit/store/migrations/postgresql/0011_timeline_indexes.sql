-- 0011_timeline_indexes (PostgreSQL): see ../0011_timeline_indexes.sql.
CREATE INDEX timeline_events_component ON timeline_events (component, occurred_at, id)
    WHERE component IS NOT NULL;
CREATE INDEX timeline_events_fingerprint_time ON timeline_events (fingerprint, occurred_at, id)
    WHERE fingerprint IS NOT NULL;
DROP INDEX timeline_events_fingerprint;
