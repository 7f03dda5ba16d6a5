-- Who made each event (the desk's signed-in account), and the approved weekly summaries.
ALTER TABLE event ADD COLUMN user_name TEXT;

-- The latest approved summary of each commune's week, as the province compares them. The figures
-- only: no citizen's personal data travels in them.
CREATE TABLE week_summary (
    commune_code  TEXT NOT NULL REFERENCES commune (code),
    week          TEXT NOT NULL,
    status        TEXT NOT NULL,
    figures       JSONB,
    approved_at   TIMESTAMPTZ,
    approved_by   TEXT,
    -- How many times the week was approved: above 1 is an amended summary.
    approvals     INTEGER NOT NULL DEFAULT 0,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (commune_code, week)
);
