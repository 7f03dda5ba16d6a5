-- The console at national scale (issue 14's benchmark: 3,321 communes, two years).
-- A commune's PCs, by commune: the overview reads each commune's last sync.
CREATE INDEX device_commune ON device (commune_code);

-- The few figures the plan's scoreboard judges, beside the full approved figures (the scoreboard
-- reads the full ones where this is NULL: weeks approved before it).
ALTER TABLE week_summary ADD COLUMN plan_figures JSONB;

-- The instant a register entry names, as an indexable value: the payload's RFC 3339 UTC text
-- (written by the server's own serialiser after the event was admitted) reads the same whatever
-- the session's settings, so the cast is immutable for these values.
CREATE FUNCTION payload_instant(text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT $1::timestamptz $$;

CREATE INDEX event_box_opened ON event (commune_code, payload_instant(payload->>'opened_at'))
    WHERE kind = 'feedback_box.opened';
CREATE INDEX event_publication ON event (commune_code, (payload->>'venue'), payload_instant(payload->>'at'))
    WHERE kind = 'publication.recorded';
GRANT EXECUTE ON FUNCTION payload_instant(text) TO thanthien_province, thanthien_app;
-- Each directory entry's and camera's latest listing, read in index order.
CREATE INDEX event_official_latest ON event (commune_code, entity_id, hlc DESC) WHERE kind = 'official.listed';
CREATE INDEX event_camera_latest ON event (commune_code, entity_id, hlc DESC) WHERE kind = 'camera.listed';
