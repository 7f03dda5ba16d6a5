-- The officials directory (official.listed events): the latest clock wins per official.
CREATE TABLE official (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    title            TEXT NOT NULL,
    phone            TEXT,
    counter          INTEGER,
    phone_published  INTEGER NOT NULL,
    active           INTEGER NOT NULL,
    hlc              TEXT NOT NULL
);
