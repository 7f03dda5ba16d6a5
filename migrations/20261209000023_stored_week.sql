-- The figures of weeks that have ended (issue 19): computed once from the log and then read as a
-- stored fact. Every event written or pulled deletes the weeks it can change (the week of what it
-- belongs to, and every later one) and bumps `generation`, so a figure computed while that write
-- landed is never stored. `revision` is the build that computed it: another build recomputes.
CREATE TABLE stored_week (
    week      TEXT PRIMARY KEY,
    revision  TEXT NOT NULL,
    figures   TEXT NOT NULL
);

CREATE TABLE stored_week_generation (
    generation INTEGER NOT NULL
);
INSERT INTO stored_week_generation (generation) VALUES (0);
