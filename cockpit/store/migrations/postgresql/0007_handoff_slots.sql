-- 0007_handoff_slots (PostgreSQL): see ../0007_handoff_slots.sql.

ALTER TABLE handoffs ADD COLUMN scheduled_at TEXT
    CHECK (scheduled_at IS NULL OR scheduled_at LIKE '____-__-__T__:__:__.______Z');
ALTER TABLE handoffs ADD COLUMN kind TEXT NOT NULL DEFAULT 'handoff'
    CHECK (kind IN ('handoff', 'swap'));

CREATE UNIQUE INDEX handoffs_one_signature_per_slot ON handoffs (scheduled_at)
    WHERE signed_at IS NOT NULL AND scheduled_at IS NOT NULL;
