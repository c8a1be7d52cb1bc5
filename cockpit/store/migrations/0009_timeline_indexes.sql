-- 0009_timeline_indexes: an incident's timeline reads its linked alerts' and its
-- components' automatic events newest first, a window at a time (store/events.py
-- incident_events), through these indexes instead of every event since its detection.
-- The fingerprint index gains the time, so it also serves "last firing before".
DROP INDEX timeline_events_fingerprint;
CREATE INDEX timeline_events_fingerprint ON timeline_events (fingerprint, occurred_at, id)
    WHERE fingerprint IS NOT NULL;
CREATE INDEX timeline_events_component ON timeline_events (component, occurred_at, id)
    WHERE component IS NOT NULL;
