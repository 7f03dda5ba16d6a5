-- Local accounts, the user on every event, and the weekly summary's approval.

-- Who made each change: the signed-in account's login name (or "cli:<OS user>").
ALTER TABLE event ADD COLUMN user TEXT;

-- Accounts of this PC only: password hashes never leave it (they are not events).
CREATE TABLE account (
    username       TEXT PRIMARY KEY,
    full_name      TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('receptionist', 'office_head', 'admin')),
    -- Argon2id, PHC string (salt and parameters inside).
    password_hash  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    -- Wrong passwords in a row, and the lock they caused; kept here so a restart does not reset them.
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT
);

-- A week's approval, projected from the week.* events: status, its steps, the approved figures.
CREATE TABLE week_approval (
    week      TEXT PRIMARY KEY,
    status    TEXT NOT NULL,
    -- core::approval::WeekApproval as JSON: steps by clock, the approved figures inside.
    approval  TEXT NOT NULL
);
