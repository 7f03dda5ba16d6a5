-- The visit's life after arrival (calls, finish, rating), its times and its trip number, for
-- lists and reports.
ALTER TABLE visit ADD COLUMN calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit ADD COLUMN last_called_at TEXT;
ALTER TABLE visit ADD COLUMN official TEXT;
ALTER TABLE visit ADD COLUMN counter INTEGER;
ALTER TABLE visit ADD COLUMN finished_at TEXT;
ALTER TABLE visit ADD COLUMN outcome TEXT;
ALTER TABLE visit ADD COLUMN appointment TEXT;
ALTER TABLE visit ADD COLUMN rating INTEGER;
ALTER TABLE visit ADD COLUMN waiting_secs INTEGER;
ALTER TABLE visit ADD COLUMN service_secs INTEGER;
ALTER TABLE visit ADD COLUMN trip INTEGER NOT NULL DEFAULT 1;
