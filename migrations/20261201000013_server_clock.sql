-- The province's time as this PC last heard it (issue 12): the server's time and this PC's own at
-- that moment. A PC whose clock is off by more than the tolerance writes the server's time
-- instead of its own, and its sync badge says "đồng hồ máy sai".
ALTER TABLE local_device ADD COLUMN server_time TEXT;
ALTER TABLE local_device ADD COLUMN server_seen_local TEXT;

-- Pulled events this PC refused (core's admission failed): kept with the reason, outside the
-- log, so one bad event never stops the ones behind it and nothing is silently dropped.
CREATE TABLE pulled_quarantine (
    event_id     TEXT PRIMARY KEY,
    envelope     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
