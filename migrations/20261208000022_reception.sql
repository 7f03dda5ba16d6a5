-- The chairman's citizen-reception days (issue 18): the schedules (weekly or on dates) and each
-- day's session record, projected from `reception.scheduled` and `reception.recorded` (the
-- latest clock wins in both, so every PC of the commune agrees).
CREATE TABLE reception_schedule (
    id      TEXT PRIMARY KEY,
    body    TEXT NOT NULL,
    active  INTEGER NOT NULL,
    hlc     TEXT NOT NULL
);

CREATE TABLE reception_session (
    day          TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    user         TEXT,
    hlc          TEXT NOT NULL
);
