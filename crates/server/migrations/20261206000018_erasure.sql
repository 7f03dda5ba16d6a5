-- Erasing one person's data (issue 17, Law 91/2025): an erasure blanks the personal fields of
-- every stored event of the record, and of the copies kept aside (conflicts, quarantine). Each
-- blanked event keeps the fingerprint (SHA-256 of the event as stored) of what it held, so the log
-- still proves what was there and a resend of the original is still known as a resend.
ALTER TABLE event ADD COLUMN erased_hash TEXT;

-- All the events of one record: an erasure reads them whole, and every pushed step of a visit,
-- an item or a camera probes them for the record's start and for an erasure. It replaces the
-- partial index of start events, which it covers.
CREATE INDEX event_entity ON event (commune_code, entity_id);
DROP INDEX event_entity_start;
