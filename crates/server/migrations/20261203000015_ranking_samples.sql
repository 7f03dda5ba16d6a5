-- The rankings read twelve weeks of every commune's index counts, and the plan's scoreboard one
-- week of every commune's plan figures: from this index alone, rather than from the wide weekly
-- rows (their figures put two or three rows on a page, so twelve weeks at national scale touched
-- 11,000 pages). Replaces the plain (week, status) index.
CREATE INDEX week_summary_samples ON week_summary (week, status)
    INCLUDE (commune_code, feedback_on_time_part, feedback_on_time_whole, feedback_satisfaction_part,
             feedback_satisfaction_whole, procedure_satisfaction_part, procedure_satisfaction_whole, plan_figures);
DROP INDEX week_summary_week;
-- Weeks approved before their plan figures were kept (migration console_speed): the scoreboard
-- reads their full figures, found without a scan.
CREATE INDEX week_summary_without_plan ON week_summary (week) WHERE plan_figures IS NULL AND figures IS NOT NULL;
