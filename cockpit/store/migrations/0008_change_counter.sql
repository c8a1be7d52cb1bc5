-- 0008_change_counter: a counter every write that someone should see moves, so every
-- other cockpit on this notebook notices within a second or two and reloads what it shows
-- (store/changes.py). Heartbeats (the recording duty, run leases) do not move it: a
-- cockpit must not wake every other one every few seconds for nothing.
CREATE TABLE notebook_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter INTEGER NOT NULL
);
INSERT INTO notebook_changes (id, counter) VALUES (1, 0);
