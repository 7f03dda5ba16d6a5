-- The province's own accounts (issue 14): its console's staff, an admin or a viewer. Argon2id
-- hashes; five wrong passwords in a row lock an account for 15 minutes (core::account::Attempts).
-- Province-wide, not commune-scoped: the server's app role has no grant on them.
CREATE TABLE province_account (
    username       TEXT PRIMARY KEY,
    full_name      TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('province_admin', 'province_viewer')),
    password_hash  TEXT NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every act of the province (accept, return, issue a code, revoke, publish, an account made or
-- its password set): who, when, what, on what.
CREATE TABLE province_audit (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT
);
CREATE INDEX province_audit_at ON province_audit (at DESC);
