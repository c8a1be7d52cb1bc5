-- 0006_run_lease: one cockpit drives a runbook run at a time.
--
-- * runbook_run_leases: who has a run open (the on-call's name, host and pid, and a
--   token for this one opening, since one process may open the notebook twice), since
--   when, and its last sign of life. A lease whose heartbeat is old belongs to a crashed
--   cockpit and may be taken without asking.
-- * runbook_run_takeovers: every takeover, kept for the audit trail and so the cockpit
--   that lost the run can say who took it.
CREATE TABLE runbook_run_leases (
    run_id         INTEGER PRIMARY KEY REFERENCES runbook_runs (id) ON DELETE CASCADE,
    holder         TEXT NOT NULL CHECK (length(trim(holder)) > 0),
    host           TEXT NOT NULL CHECK (length(trim(host)) > 0),
    pid            INTEGER NOT NULL CHECK (pid > 0),
    token          TEXT NOT NULL CHECK (length(token) >= 8),
    taken_at       TEXT NOT NULL CHECK (taken_at LIKE '____-__-__T__:__:__.______Z'),
    heartbeat_at   TEXT NOT NULL CHECK (heartbeat_at LIKE '____-__-__T__:__:__.______Z')
);

CREATE TABLE runbook_run_takeovers (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runbook_runs (id) ON DELETE CASCADE,
    at             TEXT NOT NULL CHECK (at LIKE '____-__-__T__:__:__.______Z'),
    holder         TEXT NOT NULL,
    host           TEXT NOT NULL,
    pid            INTEGER NOT NULL,
    token          TEXT NOT NULL,
    from_holder    TEXT NOT NULL,
    from_host      TEXT NOT NULL,
    from_pid       INTEGER NOT NULL,
    from_token     TEXT NOT NULL,
    from_since     TEXT NOT NULL CHECK (from_since LIKE '____-__-__T__:__:__.______Z'),
    from_heartbeat TEXT NOT NULL CHECK (from_heartbeat LIKE '____-__-__T__:__:__.______Z'),
    -- 1: the old holder had stopped beating (a crashed cockpit), taken without asking.
    stale          INTEGER NOT NULL CHECK (stale IN (0, 1))
);
CREATE INDEX runbook_run_takeovers_run ON runbook_run_takeovers (run_id, at);
CREATE INDEX runbook_run_takeovers_from ON runbook_run_takeovers (from_token);
