-- 0011_timeline_indexes: an incident's timeline reads its linked alerts' and its
-- components' automatic events newest first, a window at a time (store/events.py
-- incident_events), through these indexes instead of every event since its detection.
-- The fingerprint index gains the time (so it also serves "last firing before"), under a
-- new name: a migration stopped half way shows in `cockpit doctor` by its new names.
CREATE INDEX timeline_events_component ON timeline_events (component, occurred_at, id)
    WHERE component IS NOT NULL;
CREATE INDEX timeline_events_fingerprint_time ON timeline_events (fingerprint, occurred_at, id)
    WHERE fingerprint IS NOT NULL;
DROP INDEX timeline_events_fingerprint;
