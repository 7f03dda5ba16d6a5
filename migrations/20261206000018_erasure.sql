-- Erasing one person's data (issue 17, Law 91/2025): an erasure blanks the personal fields of
-- every stored event of the record; the event keeps the fingerprint (SHA-256 of the envelope as
-- written) of what it held, so the log still proves what was there.
ALTER TABLE event ADD COLUMN erased_hash TEXT;

-- The events of one record, read whole by an erasure and probed by every later event of it.
CREATE INDEX event_entity ON event (entity_id);
