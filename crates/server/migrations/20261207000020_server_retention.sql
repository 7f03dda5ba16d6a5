-- The province's own retention run (issue 17): a commune whose PCs no longer sync still has its
-- citizens' data erased on the server once the province's period is past. Each run on each
-- commune's register is logged; the erasures themselves are events of the province's device,
-- so the commune's PCs apply them when they come back.
CREATE TABLE retention_run (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    commune_code TEXT NOT NULL REFERENCES commune (code),
    register TEXT NOT NULL CHECK (register IN ('visit', 'feedback')),
    months INTEGER NOT NULL,
    erased INTEGER NOT NULL
);
CREATE INDEX retention_run_at ON retention_run (at DESC);

-- The run reads a register's start events by the instant they name.
CREATE INDEX event_start_instant ON event (
    commune_code, kind, payload_instant(COALESCE(payload->>'arrived_at', payload->>'received_at'))
) WHERE kind IN ('visit.arrived', 'feedback.received');

-- The console's login runs it (province-wide); it blanks events and the copies kept aside.
GRANT SELECT, INSERT ON retention_run TO thanthien_province;
GRANT UPDATE ON event_conflict, event_quarantine TO thanthien_province;
