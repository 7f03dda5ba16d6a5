-- The monitor the citizen's rating window was last left on, by the name the OS gives it: it
-- opens there at start while that monitor is plugged in (issue 15). This PC's own, never synced.
ALTER TABLE local_device ADD COLUMN rating_monitor TEXT;
