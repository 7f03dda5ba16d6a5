-- A camera's service dates (issue 11): `listed_at` is its first day of service (a listing's own
-- date when the paper book gave one, else its event's clock), and `retired_at` when it was taken
-- out of service, so the shifts before still owe their checks. NULL for an inactive camera whose
-- listing carried no date: it owes nothing, as before.
ALTER TABLE camera ADD COLUMN retired_at TEXT;

-- The weekly summary's received dossiers: those due from the week on (due, moved with an
-- apology), and those handed back since the week began (on time or late).
CREATE INDEX visit_dossier_due ON visit (appointment) WHERE outcome = 'dossier-received';
CREATE INDEX visit_dossier_returned ON visit (returned_at) WHERE outcome = 'dossier-received';
