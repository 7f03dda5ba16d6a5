-- The access log of personal data (issue 17, Law 91/2025): who searched, exported, printed,
-- corrected or erased a person's data, on which PC, when, and how many records it reached. The
-- projection of `person.accessed` events, so every PC of the commune holds the same log.
CREATE TABLE person_access (
    id         TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    action     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    user       TEXT,
    device_id  TEXT NOT NULL
);
CREATE INDEX person_access_at ON person_access (at);
