-- Daily ticket numbers and returned results.

-- This PC's ticket series (A, B, …): the province hands each PC of a commune its own letter at
-- enrolment, so desks that are apart never give out the same number. 'A' until enrolled.
ALTER TABLE local_device ADD COLUMN ticket_series TEXT NOT NULL DEFAULT 'A';

-- The ticket as shown (A007) and its number, counted per PC and local day.
ALTER TABLE visit ADD COLUMN ticket TEXT;
ALTER TABLE visit ADD COLUMN ticket_no INTEGER;
-- When the result of a received dossier went back to the citizen.
ALTER TABLE visit ADD COLUMN returned_at TEXT;

CREATE INDEX visit_device_day ON visit (device_id, arrived_at);
-- The dossiers still owed a result: the at-risk list reads only these.
CREATE INDEX visit_owed ON visit (appointment) WHERE outcome = 'dossier-received' AND returned_at IS NULL;
