-- 0004_announcements (PostgreSQL): see ../0004_announcements.sql.
CREATE TABLE announcements (
    incident_id   TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('incident_status_update_due')),
    due_at        TEXT NOT NULL CHECK (due_at LIKE '____-__-__T__:__:__.______Z'),
    announced_at  TEXT NOT NULL CHECK (announced_at LIKE '____-__-__T__:__:__.______Z'),
    PRIMARY KEY (incident_id, kind, due_at)
);
