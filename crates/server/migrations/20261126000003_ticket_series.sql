-- Each PC of a commune gets its own ticket series letter (A, B, …) at enrolment: the n-th device
-- enrolled in a commune gets the n-th letter, so offline desks never hand out the same number.
ALTER TABLE device ADD COLUMN device_number INTEGER;

UPDATE device d SET device_number = n.rn
FROM (SELECT id, row_number() OVER (PARTITION BY commune_code ORDER BY enrolled_at, id) AS rn FROM device) n
WHERE d.id = n.id;

ALTER TABLE device ALTER COLUMN device_number SET NOT NULL;
