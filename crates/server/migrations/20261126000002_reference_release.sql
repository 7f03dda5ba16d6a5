-- Reference data the province publishes to every commune (procedure catalogue, holiday calendar):
-- each publication is a new version; devices pull the versions after the one they hold.
CREATE TABLE reference_release (
    version       BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('procedures', 'holidays')),
    body          JSONB NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
