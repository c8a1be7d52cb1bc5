-- 0008_change_counter (PostgreSQL): see ../0008_change_counter.sql. Writes also NOTIFY
-- cockpit_notebook as they commit, which is what cockpits on PostgreSQL wait on.
CREATE TABLE notebook_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO notebook_changes (id, counter) VALUES (1, 0);
