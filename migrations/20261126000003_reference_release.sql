-- The newest reference data of each kind received from the province (procedure catalogue,
-- holiday calendar); without a row the app uses its built-in starter set.
CREATE TABLE reference_release (
    kind         TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
