-- When each feedback item was finished (answered, refused, transferred, closed), so a week's
-- summary reads only the items that week can concern: received by its end and not finished
-- before its start. Rows written before this column are read as open (a safe superset); each
-- gets its value the next time an event touches it.
ALTER TABLE feedback ADD COLUMN finished_at TEXT;
CREATE INDEX feedback_open ON feedback (finished_at, received_at);
