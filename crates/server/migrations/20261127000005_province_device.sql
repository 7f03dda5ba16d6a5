-- The province writes into a commune's stream (a week's acceptance) through a device of its own
-- per commune: it has no ticket series (NULL), and no token anyone holds (revoked from the start).
ALTER TABLE device ALTER COLUMN device_number DROP NOT NULL;
