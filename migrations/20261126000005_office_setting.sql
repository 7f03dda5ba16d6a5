-- Settings the commune's PCs share through the event log (office.* events); the latest clock
-- wins per key. `hours`: the opening hours appointments are counted with.
CREATE TABLE office_setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL,
    hlc    TEXT NOT NULL
);
