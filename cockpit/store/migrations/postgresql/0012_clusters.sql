-- 0012_clusters (PostgreSQL): see ../0012_clusters.sql. Here the key changes in place.
ALTER TABLE timeline_events ADD COLUMN cluster TEXT CHECK (cluster IS NULL OR length(cluster) > 0);
ALTER TABLE incident_alerts ADD COLUMN cluster TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_alerts DROP CONSTRAINT incident_alerts_pkey;
ALTER TABLE incident_alerts ADD PRIMARY KEY (incident_id, cluster, fingerprint);
