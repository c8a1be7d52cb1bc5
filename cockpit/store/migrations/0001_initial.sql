-- 0001_initial: the notebook's first schema.
--
-- Conventions every later migration should keep:
-- * Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (always microseconds, always Z),
--   written by cockpit.store.notebook.to_db_time. The fixed width is what makes text comparison
--   and ORDER BY equal time order, so the shape is CHECKed.
-- * Calendar dates (due dates) are 'YYYY-MM-DD'.
-- * Label sets are JSON objects of string -> string.
-- * Booleans are INTEGER 0/1.
-- * Children that only make sense with their parent cascade on delete; records of things
--   that happened in the world on their own (notes, runbook runs) only lose the link.
-- The runner wraps this file in one transaction and bumps schema_version; do not put
-- BEGIN/COMMIT or PRAGMA foreign_keys here (it is a no-op inside a transaction).

CREATE TABLE incidents (
    id              TEXT PRIMARY KEY CHECK (id GLOB 'INC-[0-9]*'),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description     TEXT NOT NULL DEFAULT '',
    severity        TEXT NOT NULL CHECK (severity IN ('Sev1', 'Sev2', 'Sev3', 'Sev4')),
    status          TEXT NOT NULL DEFAULT 'detected' CHECK (status IN (
                        'detected', 'acknowledged', 'investigating',
                        'mitigated', 'resolved', 'closed')),
    detected_at     TEXT NOT NULL CHECK (detected_at LIKE '____-__-__T__:__:__.______Z'),
    acknowledged_at TEXT CHECK (acknowledged_at LIKE '____-__-__T__:__:__.______Z'),
    mitigated_at    TEXT CHECK (mitigated_at LIKE '____-__-__T__:__:__.______Z'),
    resolved_at     TEXT CHECK (resolved_at LIKE '____-__-__T__:__:__.______Z'),
    closed_at       TEXT CHECK (closed_at LIKE '____-__-__T__:__:__.______Z'),
    responder       TEXT,
    commander       TEXT,
    -- NULL means "not known yet", which the postmortem view treats differently from ''.
    root_cause      TEXT,
    resolution      TEXT,
    postmortem_done INTEGER NOT NULL DEFAULT 0 CHECK (postmortem_done IN (0, 1)),
    created_at      TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.______Z'),
    updated_at      TEXT NOT NULL CHECK (updated_at LIKE '____-__-__T__:__:__.______Z')
);
CREATE INDEX incidents_status_severity ON incidents (status, severity, detected_at);
CREATE INDEX incidents_detected_at ON incidents (detected_at);

CREATE TABLE incident_components (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    component   TEXT NOT NULL CHECK (length(trim(component)) > 0),
    PRIMARY KEY (incident_id, component)
) WITHOUT ROWID;
-- "Which incidents touched checkout?" goes from component to incident.
CREATE INDEX incident_components_component ON incident_components (component, incident_id);

CREATE TABLE incident_alerts (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    alertname   TEXT NOT NULL,
    labels      TEXT NOT NULL DEFAULT '{}'
                CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    linked_at   TEXT NOT NULL CHECK (linked_at LIKE '____-__-__T__:__:__.______Z'),
    PRIMARY KEY (incident_id, fingerprint)
) WITHOUT ROWID;
-- A firing alert looks up whether it already belongs to an incident.
CREATE INDEX incident_alerts_fingerprint ON incident_alerts (fingerprint);

CREATE TABLE action_items (
    id           INTEGER PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    what         TEXT NOT NULL CHECK (length(trim(what)) > 0),
    owner        TEXT,
    due_date     TEXT CHECK (due_date LIKE '____-__-__'),
    verification TEXT NOT NULL DEFAULT '',
    done         INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at   TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.______Z'),
    done_at      TEXT CHECK (done_at LIKE '____-__-__T__:__:__.______Z')
);
CREATE INDEX action_items_incident ON action_items (incident_id);
CREATE INDEX action_items_open_due ON action_items (done, due_date);

CREATE TABLE timeline_events (
    id          INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL CHECK (occurred_at LIKE '____-__-__T__:__:__.______Z'),
    recorded_at TEXT NOT NULL CHECK (recorded_at LIKE '____-__-__T__:__:__.______Z'),
    -- Keep in step with cockpit.model.timeline.EVENT_KINDS.
    kind        TEXT NOT NULL CHECK (kind IN (
                    'status_change', 'severity_change', 'note', 'update',
                    'alert_fired', 'alert_resolved', 'alert_acked', 'alert_unacked',
                    'silence_expired', 'probe_down', 'probe_up',
                    'burn_started', 'burn_stopped', 'runbook_step', 'incident_linked')),
    source      TEXT NOT NULL CHECK (length(source) > 0),
    author      TEXT,
    incident_id TEXT REFERENCES incidents (id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    component   TEXT,
    labels      TEXT NOT NULL DEFAULT '{}'
                CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    body        TEXT NOT NULL DEFAULT '',
    fingerprint TEXT
);
-- id breaks ties between events in the same microsecond, in recording order.
CREATE INDEX timeline_events_occurred_at ON timeline_events (occurred_at, id);
CREATE INDEX timeline_events_incident ON timeline_events (incident_id, occurred_at)
    WHERE incident_id IS NOT NULL;
CREATE INDEX timeline_events_kind ON timeline_events (kind, occurred_at);
CREATE INDEX timeline_events_fingerprint ON timeline_events (fingerprint)
    WHERE fingerprint IS NOT NULL;

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL,
    author      TEXT,
    created_at  TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.______Z'),
    body        TEXT NOT NULL
);
CREATE INDEX notes_created_at ON notes (created_at);
CREATE INDEX notes_incident ON notes (incident_id, created_at) WHERE incident_id IS NOT NULL;

CREATE TABLE runbook_runs (
    id           INTEGER PRIMARY KEY,
    runbook      TEXT NOT NULL,
    source_path  TEXT,
    incident_id  TEXT REFERENCES incidents (id) ON DELETE SET NULL,
    started_by   TEXT,
    started_at   TEXT NOT NULL CHECK (started_at LIKE '____-__-__T__:__:__.______Z'),
    finished_at  TEXT CHECK (finished_at LIKE '____-__-__T__:__:__.______Z'),
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'paused', 'done', 'aborted')),
    dry_run      INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
    alert_labels TEXT NOT NULL DEFAULT '{}'
                 CHECK (json_valid(alert_labels) AND json_type(alert_labels) = 'object')
);
CREATE INDEX runbook_runs_status ON runbook_runs (status, started_at);
CREATE INDEX runbook_runs_incident ON runbook_runs (incident_id) WHERE incident_id IS NOT NULL;

-- One row per step: the step's latest state. Each attempt is also a runbook_step
-- timeline event, so retries keep their history there.
CREATE TABLE runbook_steps (
    run_id      INTEGER NOT NULL REFERENCES runbook_runs (id) ON DELETE CASCADE,
    step_index  INTEGER NOT NULL CHECK (step_index >= 0),
    title       TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT 'pending'
                CHECK (outcome IN ('done', 'skipped', 'failed', 'pending')),
    note        TEXT NOT NULL DEFAULT '',
    command     TEXT,
    exit_status INTEGER,
    output      TEXT,
    who         TEXT,
    at          TEXT CHECK (at LIKE '____-__-__T__:__:__.______Z'),
    PRIMARY KEY (run_id, step_index)
) WITHOUT ROWID;

CREATE TABLE handoffs (
    id          INTEGER PRIMARY KEY,
    outgoing    TEXT NOT NULL,
    incoming    TEXT,
    shift_start TEXT NOT NULL CHECK (shift_start LIKE '____-__-__T__:__:__.______Z'),
    shift_end   TEXT NOT NULL CHECK (shift_end LIKE '____-__-__T__:__:__.______Z'),
    created_at  TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.______Z'),
    signed_at   TEXT CHECK (signed_at LIKE '____-__-__T__:__:__.______Z'),
    signed_by   TEXT,
    digest      TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    CHECK (shift_end >= shift_start),
    -- A signature without a signer (or the reverse) is not a signature.
    CHECK ((signed_at IS NULL) = (signed_by IS NULL))
);
CREATE INDEX handoffs_shift_end ON handoffs (shift_end);

CREATE TABLE handoff_checklist_items (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    item       TEXT NOT NULL,
    checked    INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1)),
    checked_by TEXT,
    checked_at TEXT CHECK (checked_at LIKE '____-__-__T__:__:__.______Z'),
    UNIQUE (handoff_id, position)
);

-- Local acknowledgements of alerts, optionally backed by an Alertmanager silence.
-- Rows are never deleted: un-acking sets removed_at, so the history stays.
CREATE TABLE acks (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    alertname   TEXT NOT NULL,
    labels      TEXT NOT NULL DEFAULT '{}'
                CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    silence_id  TEXT,
    created_by  TEXT,
    created_at  TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.______Z'),
    expires_at  TEXT CHECK (expires_at LIKE '____-__-__T__:__:__.______Z'),
    removed_at  TEXT CHECK (removed_at LIKE '____-__-__T__:__:__.______Z')
);
CREATE INDEX acks_fingerprint ON acks (fingerprint, created_at);
CREATE INDEX acks_active ON acks (expires_at) WHERE removed_at IS NULL;

-- NULL sli/budget means Prometheus had no data for the window, not zero.
CREATE TABLE slo_snapshots (
    id               INTEGER PRIMARY KEY,
    slo              TEXT NOT NULL,
    taken_at         TEXT NOT NULL CHECK (taken_at LIKE '____-__-__T__:__:__.______Z'),
    sli              REAL,
    budget_remaining REAL,
    burn_1h          REAL
);
CREATE INDEX slo_snapshots_slo_taken_at ON slo_snapshots (slo, taken_at);
CREATE INDEX slo_snapshots_taken_at ON slo_snapshots (taken_at);
