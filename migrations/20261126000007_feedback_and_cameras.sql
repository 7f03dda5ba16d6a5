-- The feedback register and the camera register (issue 4).

-- Projection of feedback events. `state` holds core's FeedbackState (every step with its clock,
-- so the deadline sees each pause); the other columns are its view, for lists and reports.
-- A status change may arrive before its receipt: such a row has no received_at and is not shown.
CREATE TABLE feedback (
    id           TEXT PRIMARY KEY,
    received_at  TEXT,
    channel      TEXT,
    kind         TEXT,
    status       TEXT NOT NULL,
    box_session  TEXT,
    -- The e-mail's Message-ID: an imported message is never imported again.
    message_id   TEXT,
    state        TEXT NOT NULL
);
CREATE INDEX feedback_received_at ON feedback (received_at);
CREATE INDEX feedback_message_id ON feedback (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX feedback_box_session ON feedback (box_session) WHERE box_session IS NOT NULL;

-- Feedback-box openings (facts: one event each).
CREATE TABLE feedback_box (
    id         TEXT PRIMARY KEY,
    opened_at  TEXT NOT NULL,
    -- JSON array of names.
    witnesses  TEXT NOT NULL,
    letters    INTEGER NOT NULL
);

-- The camera registry: the latest listing of each camera wins; listed_at is its first listing.
CREATE TABLE camera (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    counter    INTEGER,
    location   TEXT,
    address    TEXT,
    active     INTEGER NOT NULL,
    listed_at  TEXT NOT NULL,
    hlc        TEXT NOT NULL
);

-- Every check-in, manual or automatic, keyed by its event (checks are facts).
CREATE TABLE camera_check (
    event_id    TEXT PRIMARY KEY,
    camera_id   TEXT NOT NULL,
    checked_at  TEXT NOT NULL,
    automatic   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    -- core's CameraChecked as JSON.
    payload     TEXT NOT NULL
);
CREATE INDEX camera_check_camera ON camera_check (camera_id, checked_at);
CREATE INDEX camera_check_at ON camera_check (checked_at);

-- This PC's settings for the commune's feedback mailbox (never synced: it holds a secret).
-- The password is here only where the OS has no credential store.
CREATE TABLE mailbox (
    only            INTEGER PRIMARY KEY CHECK (only = 1),
    server          TEXT NOT NULL,
    username        TEXT NOT NULL,
    password        TEXT,
    ca_file         TEXT,
    last_import_at  TEXT,
    last_error      TEXT
);
