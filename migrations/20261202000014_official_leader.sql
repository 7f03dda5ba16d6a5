-- Chủ tịch and Phó Chủ tịch are marked in the directory (issue 14): the province checks that the
-- leaders' phones are published. Entries listed before the mark are not leaders until relisted.
ALTER TABLE official ADD COLUMN leader INTEGER NOT NULL DEFAULT 0;
