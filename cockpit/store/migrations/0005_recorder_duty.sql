-- 0005_recorder_duty: which process writes the poll transitions (alert fired/resolved,
-- probe down/up, burn started/stopped) into this notebook.
--
-- Every cockpit polls, but only the holder of the duty records transitions: two TUIs, or
-- a TUI and `cockpit record`, would otherwise each write every "fired" event. One row at
-- most. A holder renews heartbeat_at while it runs and deletes the row when it stops;
-- a row whose heartbeat is old belongs to a process that died, and anyone may take it.
CREATE TABLE recorder_duty (
    slot          INTEGER PRIMARY KEY CHECK (slot = 1),
    holder        TEXT NOT NULL CHECK (length(holder) > 0),
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    since         TEXT NOT NULL CHECK (since LIKE '____-__-__T__:__:__.______Z'),
    heartbeat_at  TEXT NOT NULL CHECK (heartbeat_at LIKE '____-__-__T__:__:__.______Z')
);
