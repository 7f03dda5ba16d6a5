-- The counts behind each index ratio of an approved week (issue 14), kept beside the figures so
-- the rankings and their 12-week trend read a few integers per commune and week, not every
-- figure. NULL where the figures do not keep them (procedure ratings before they were counted).
ALTER TABLE week_summary
    ADD COLUMN feedback_on_time_part INTEGER,
    ADD COLUMN feedback_on_time_whole INTEGER,
    ADD COLUMN feedback_satisfaction_part INTEGER,
    ADD COLUMN feedback_satisfaction_whole INTEGER,
    ADD COLUMN procedure_satisfaction_part INTEGER,
    ADD COLUMN procedure_satisfaction_whole INTEGER;

UPDATE week_summary SET
    feedback_on_time_part = (figures->'feedback'->>'answered_on_time')::int,
    feedback_on_time_whole = (figures->'feedback'->>'answered_on_time')::int + (figures->'feedback'->>'answered_late')::int,
    feedback_satisfaction_part = COALESCE((figures->'feedback'->>'satisfied')::int, 0),
    feedback_satisfaction_whole = COALESCE((figures->'feedback'->>'rated')::int, 0),
    procedure_satisfaction_part = (figures->'indexes'->'procedure_ratings'->>'part')::int,
    procedure_satisfaction_whole = (figures->'indexes'->'procedure_ratings'->>'whole')::int
WHERE figures IS NOT NULL;

CREATE INDEX week_summary_week ON week_summary (week, status);
