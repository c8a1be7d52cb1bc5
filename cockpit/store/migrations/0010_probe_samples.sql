-- 0010_probe_samples: what each probe answered, at most once a minute per probe, kept by the
-- holder of the recording duty so the past can be shown (`cockpit probe history`). Up and
-- down changes stay timeline events (probe_down / probe_up), as before. Rows older than the
-- [record] retention are deleted by the holder.
CREATE TABLE probe_samples (
    id          INTEGER PRIMARY KEY,
    probe       TEXT NOT NULL CHECK (length(probe) > 0),
    at          TEXT NOT NULL CHECK (at LIKE '____-__-__T__:__:__.______Z'),
    state       TEXT NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    latency_ms  REAL,
    reason      TEXT NOT NULL DEFAULT '',
    written_by  TEXT
);
CREATE INDEX probe_samples_probe_at ON probe_samples (probe, at);
CREATE INDEX probe_samples_at ON probe_samples (at);
