-- 0004_announcements: which deadline notifications went out, so that a restart or a
-- second cockpit on the same notebook does not announce the same deadline again.
--
-- One row per (incident, kind, deadline). The first process to insert it announces;
-- INSERT OR IGNORE makes the check and the claim one statement.
CREATE TABLE announcements (
    incident_id   TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('incident_status_update_due')),
    due_at        TEXT NOT NULL CHECK (due_at LIKE '____-__-__T__:__:__.______Z'),
    announced_at  TEXT NOT NULL CHECK (announced_at LIKE '____-__-__T__:__:__.______Z'),
    PRIMARY KEY (incident_id, kind, due_at)
);
