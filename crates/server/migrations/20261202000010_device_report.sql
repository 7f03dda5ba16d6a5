-- What each PC reports at the end of a sync round (issue 14): its build, its unsent events, and
-- when it last read the feedback mailbox (no mail content), for the console's device list and
-- the plan's mailbox item.
ALTER TABLE device ADD COLUMN app_version TEXT;
ALTER TABLE device ADD COLUMN pending_events INTEGER;
ALTER TABLE device ADD COLUMN mailbox_read_at TIMESTAMPTZ;
ALTER TABLE device ADD COLUMN reported_at TIMESTAMPTZ;
-- The scoreboard's register items read few kinds of event out of many: index just those.
CREATE INDEX event_register ON event (commune_code, kind, hlc)
    WHERE kind IN ('publication.recorded', 'official.listed', 'feedback_box.opened', 'camera.listed');
