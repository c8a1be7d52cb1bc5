-- 0003_incidents (PostgreSQL): see ../0003_incidents.sql.
ALTER TABLE incidents ADD COLUMN impact TEXT;
ALTER TABLE incidents ADD COLUMN suspected_cause TEXT;
ALTER TABLE incidents ADD COLUMN lessons TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_url TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_document TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_at TEXT
    CHECK (postmortem_at LIKE '____-__-__T__:__:__.______Z');
