-- The publicity board's register: where and when the directory and catalogue were published.
CREATE TABLE publication (
    id      TEXT PRIMARY KEY,
    format  TEXT NOT NULL,
    venue   TEXT NOT NULL,
    place   TEXT,
    at      TEXT NOT NULL,
    user    TEXT
);
