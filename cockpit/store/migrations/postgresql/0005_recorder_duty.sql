-- 0005_recorder_duty (PostgreSQL): see ../0005_recorder_duty.sql.
CREATE TABLE recorder_duty (
    slot          INTEGER PRIMARY KEY CHECK (slot = 1),
    holder        TEXT NOT NULL CHECK (length(holder) > 0),
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    since         TEXT NOT NULL CHECK (since LIKE '____-__-__T__:__:__.______Z'),
    heartbeat_at  TEXT NOT NULL CHECK (heartbeat_at LIKE '____-__-__T__:__:__.______Z')
);
