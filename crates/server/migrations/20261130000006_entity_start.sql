-- A pushed step is checked against the start of what it belongs to (a visit's arrival, an item's
-- receipt, a camera's listing; issue 11): one index probe per step, keyed by commune first so it
-- stays open to partitioning by commune.
CREATE INDEX event_entity_start ON event (commune_code, entity_id)
    WHERE kind IN ('visit.arrived', 'feedback.received', 'camera.listed');
