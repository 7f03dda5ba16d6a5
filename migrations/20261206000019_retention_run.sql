-- The log of retention runs (issue 17): when each ran, on which register, the period in force and
-- how many records it erased (the erasures themselves are events, synced like any other).
CREATE TABLE retention_run (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    register  TEXT NOT NULL,
    months    INTEGER NOT NULL,
    erased    INTEGER NOT NULL
);
