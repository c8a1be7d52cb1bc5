-- 0003_incidents: what the incident reports need beyond the first schema.
--
-- * impact, suspected_cause, lessons: the postmortem and scenario report sections
--   (docs/domain.md, Incident lifecycle) (root_cause stays the confirmed cause). NULL means "not written yet".
-- * postmortem_url / postmortem_document / postmortem_at: the postmortem that sets
--   postmortem_done, as a link or as the Markdown document itself.
ALTER TABLE incidents ADD COLUMN impact TEXT;
ALTER TABLE incidents ADD COLUMN suspected_cause TEXT;
ALTER TABLE incidents ADD COLUMN lessons TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_url TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_document TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_at TEXT
    CHECK (postmortem_at LIKE '____-__-__T__:__:__.______Z');
