-- 0012_clusters: with several Alertmanager clusters, Alertmanager's fingerprint (a hash of
-- the labels only) no longer tells one alert from another: the same labels firing in two
-- clusters are two alerts. An alert's events say which cluster they came from (the name
-- the config gives its Alertmanager; NULL: written before this migration, or not known),
-- and a linked alert is keyed by its cluster too ('': linked before this migration; it
-- stands for that fingerprint in any cluster). Alerts often carry a `cluster` label of
-- their own, so this is a column, never a label.
ALTER TABLE timeline_events ADD COLUMN cluster TEXT CHECK (cluster IS NULL OR length(cluster) > 0);
-- SQLite cannot change a primary key in place: the table is built again under its name,
-- its columns in PostgreSQL's order (there the cluster is added last).
CREATE TABLE incident_alerts_by_cluster (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    alertname   TEXT NOT NULL,
    labels      TEXT NOT NULL DEFAULT '{}'
                CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    linked_at   TEXT NOT NULL CHECK (linked_at LIKE '____-__-__T__:__:__.______Z'),
    written_by  TEXT,
    cluster     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, cluster, fingerprint)
) WITHOUT ROWID;
INSERT INTO incident_alerts_by_cluster
    (incident_id, fingerprint, alertname, labels, linked_at, written_by, cluster)
    SELECT incident_id, fingerprint, alertname, labels, linked_at, written_by, ''
    FROM incident_alerts;
DROP TABLE incident_alerts;
ALTER TABLE incident_alerts_by_cluster RENAME TO incident_alerts;
-- A firing alert looks up whether it already belongs to an incident.
CREATE INDEX incident_alerts_fingerprint ON incident_alerts (fingerprint);
