-- 0007_handoff_slots: which scheduled handoff a signature closes, and swaps.
--
-- * scheduled_at: the scheduled handoff (e.g. Friday 17:00 in the team's zone) a handoff
--   belongs to. A draft carries the one it is heading for; a signature closes it. NULL for
--   a swap between two scheduled handoffs, and for rows signed before this migration.
-- * kind: 'handoff' (signed at its scheduled time, or late) or 'swap' (someone took the
--   shift over at another time, or in place of the rostered engineer: an explicit action,
--   `cockpit handoff swap`).
-- * At most one signature per scheduled handoff, whoever writes: a unique index.

ALTER TABLE handoffs ADD COLUMN scheduled_at TEXT
    CHECK (scheduled_at IS NULL OR scheduled_at LIKE '____-__-__T__:__:__.______Z');
ALTER TABLE handoffs ADD COLUMN kind TEXT NOT NULL DEFAULT 'handoff'
    CHECK (kind IN ('handoff', 'swap'));

CREATE UNIQUE INDEX handoffs_one_signature_per_slot ON handoffs (scheduled_at)
    WHERE signed_at IS NOT NULL AND scheduled_at IS NOT NULL;
