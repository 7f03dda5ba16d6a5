-- The desk's local store: this PC's identity and sync bookkeeping, the event log, projections.

-- Exactly one row: who this PC is, its counters and its link to the province.
CREATE TABLE local_device (
    only             INTEGER PRIMARY KEY CHECK (only = 1),
    id               TEXT NOT NULL,
    -- Last seq issued: events are numbered 1, 2, 3… with no gap, in the same transaction.
    last_seq         INTEGER NOT NULL DEFAULT 0,
    commune_code     TEXT,
    commune_name     TEXT,
    server_url       TEXT,
    token            TEXT,
    -- Every own event up to here is settled on the server.
    acked_seq        INTEGER NOT NULL DEFAULT 0,
    pull_cursor      INTEGER NOT NULL DEFAULT 0,
    last_success_at  TEXT,
    last_error       TEXT
);

-- The event log: own events and those pulled from the commune's other PCs. Also the audit trail.
CREATE TABLE event (
    id           TEXT PRIMARY KEY,
    -- NULL only for own events written before this PC was enrolled; enrolment fills it in.
    commune_id   TEXT,
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    hlc          TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    schema       INTEGER NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (device_id, seq)
);
-- The device's clock is the greatest HLC in the log (own or pulled): no separate state to keep
-- in step, and the text form sorts like the value.
CREATE INDEX event_hlc ON event (hlc);

-- Projection of visit events. `state` holds every field with the clock that set it (core's
-- VisitState); the other columns are its current view, for listing and reports.
CREATE TABLE visit (
    id            TEXT PRIMARY KEY,
    arrived_at    TEXT,
    visitor_name  TEXT,
    procedure     TEXT,
    phone         TEXT,
    citizen_id    TEXT,
    note          TEXT,
    device_id     TEXT,
    state         TEXT NOT NULL
);
CREATE INDEX visit_arrived_at ON visit (arrived_at);

-- Own events the server did not accept as they were, with its reason: shown on the sync screen.
CREATE TABLE sync_rejection (
    event_id  TEXT PRIMARY KEY REFERENCES event (id),
    seq       INTEGER NOT NULL,
    status    TEXT NOT NULL,
    reason    TEXT,
    at        TEXT NOT NULL
);
