-- The province's store: communes, enrolment codes, devices and every commune's events.

CREATE TABLE commune (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One-time codes the province hands to a commune; only their hash is kept.
CREATE TABLE enrollment_code (
    code_hash       BYTEA PRIMARY KEY,
    commune_code    TEXT NOT NULL REFERENCES commune (code),
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    used_by_device  UUID,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE device (
    id            UUID PRIMARY KEY,
    commune_code  TEXT NOT NULL REFERENCES commune (code),
    token_hash    BYTEA NOT NULL UNIQUE,
    name          TEXT,
    enrolled_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at    TIMESTAMPTZ,
    -- Every seq of this device up to here is settled (stored, duplicate, conflict or rejected).
    last_seq      BIGINT NOT NULL DEFAULT 0,
    last_seen_at  TIMESTAMPTZ
);

-- server_seq is the pull cursor. Pushes lock their commune's row, so within a commune server_seq
-- order is commit order and a cursor never skips a late-committing event.
CREATE TABLE event (
    server_seq    BIGSERIAL PRIMARY KEY,
    id            UUID NOT NULL UNIQUE,
    commune_code  TEXT NOT NULL REFERENCES commune (code),
    device_id     UUID NOT NULL REFERENCES device (id),
    seq           BIGINT NOT NULL,
    hlc           TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     UUID NOT NULL,
    kind          TEXT NOT NULL,
    payload       JSONB NOT NULL,
    schema        INTEGER NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (device_id, seq)
);
CREATE INDEX event_commune_order ON event (commune_code, server_seq);

-- Same (device, seq) as a stored event but different content: kept, never silently dropped.
CREATE TABLE event_conflict (
    id           BIGSERIAL PRIMARY KEY,
    device_id    UUID NOT NULL REFERENCES device (id),
    seq          BIGINT NOT NULL,
    envelope     JSONB NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Invalid events, kept with the reason so the province can look and the desk can be told.
CREATE TABLE event_quarantine (
    id           BIGSERIAL PRIMARY KEY,
    device_id    UUID NOT NULL REFERENCES device (id),
    seq          BIGINT NOT NULL,
    envelope     JSONB NOT NULL,
    reason       TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
