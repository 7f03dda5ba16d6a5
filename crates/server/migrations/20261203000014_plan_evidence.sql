-- The plan's evidence as timelines the scoreboard reads without replaying the log (issue 14's
-- benchmark: the directory's DISTINCT ON and a probe per commune took 240 ms at national scale).
--
-- Each commune has five series, each with one state at a time: its directory (how many entries
-- are listed, with a published phone, leaders, leaders with a published phone), its cameras (how
-- many are listed), and its latest publication at the notice board, its latest online and its
-- latest feedback-box opening. One row per event of a series holds the series' state after that
-- event, from `at` until the series' next row (`until`, 'infinity' for the latest), so every
-- series' state at an instant T is the rows with at <= T < until: one range scan of an index,
-- five rows per commune, for the recent weeks the province looks at.
--
-- `at` is the instant the plan judges by: a listing's clock (its HLC's wall time: the directory
-- as it stood), a publication's and an opening's own instant. Events at the same instant are in
-- the log's order (clock, then id); all but the last of them end where they begin.
CREATE TABLE plan_evidence (
    event_id UUID PRIMARY KEY REFERENCES event (id),
    commune_code TEXT NOT NULL REFERENCES commune (code),
    series TEXT NOT NULL CHECK (series IN ('directory', 'cameras', 'notice_board', 'online', 'box_opened')),
    at TIMESTAMPTZ NOT NULL,
    until TIMESTAMPTZ NOT NULL,
    -- The directory's and the cameras' entries as listed after this event (0 in other series).
    listed INTEGER NOT NULL,
    published INTEGER NOT NULL,
    leaders INTEGER NOT NULL,
    leaders_published INTEGER NOT NULL
);
CREATE INDEX plan_evidence_commune ON plan_evidence (commune_code, series);
-- What held at an instant: every row that ended after it, read from the index alone.
CREATE INDEX plan_evidence_until ON plan_evidence (until)
    INCLUDE (at, listed, published, leaders, leaders_published, commune_code, series);
-- The openings within a week.
CREATE INDEX plan_evidence_at ON plan_evidence (series, at) INCLUDE (commune_code);

-- The series an event belongs to, if any.
CREATE FUNCTION plan_series(p_kind TEXT, p_payload JSONB) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_kind = 'official.listed' THEN 'directory'
        WHEN p_kind = 'camera.listed' THEN 'cameras'
        WHEN p_kind = 'publication.recorded' AND p_payload->>'venue' = 'notice_board' THEN 'notice_board'
        WHEN p_kind = 'publication.recorded' AND p_payload->>'venue' IN ('portal', 'fanpage', 'zalo') THEN 'online'
        WHEN p_kind = 'feedback_box.opened' THEN 'box_opened'
    END
$$;

-- Rebuilds the named (commune, series) pairs from the log, or every one when the arrays are NULL.
-- Payloads were written by the server after the event was admitted, so the casts hold.
CREATE FUNCTION plan_evidence_rebuild(p_communes TEXT[], p_series TEXT[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM plan_evidence p
    WHERE p_communes IS NULL OR (p.commune_code, p.series) IN (SELECT * FROM unnest(p_communes, p_series));

    WITH evidence AS (
        SELECT e.id, e.commune_code, e.entity_id, e.hlc, s.series,
               CASE e.kind
                   WHEN 'publication.recorded' THEN payload_instant(e.payload->>'at')
                   WHEN 'feedback_box.opened' THEN payload_instant(e.payload->>'opened_at')
                   -- An HLC opens with its wall clock: sixteen digits of milliseconds.
                   ELSE timestamptz 'epoch' + left(e.hlc, 16)::bigint * interval '1 millisecond'
               END AS at,
               -- The listed entry's state after this event.
               s.series IN ('directory', 'cameras') AND COALESCE((e.payload->>'active')::boolean, true) AS active,
               COALESCE((e.payload->>'phone_published')::boolean, false) AS phone,
               COALESCE((e.payload->>'leader')::boolean, false) AS leader
        FROM event e CROSS JOIN LATERAL (SELECT plan_series(e.kind, e.payload) AS series) s
        WHERE e.kind IN ('official.listed', 'camera.listed', 'publication.recorded', 'feedback_box.opened')
          AND (p_communes IS NULL OR e.commune_code IN (SELECT unnest(p_communes)))
    ),
    state AS (
        SELECT *, active::int AS listed, (active AND phone)::int AS published, (active AND leader)::int AS leaders,
               (active AND leader AND phone)::int AS leaders_published
        FROM evidence
        WHERE series IS NOT NULL
          AND (p_communes IS NULL OR (commune_code, series) IN (SELECT * FROM unnest(p_communes, p_series)))
    ),
    -- How each event changed its entry's part of the counts.
    change AS (
        SELECT *, listed - lag(listed, 1, 0) OVER entry AS d_listed,
               published - lag(published, 1, 0) OVER entry AS d_published,
               leaders - lag(leaders, 1, 0) OVER entry AS d_leaders,
               leaders_published - lag(leaders_published, 1, 0) OVER entry AS d_leaders_published
        FROM state
        WINDOW entry AS (PARTITION BY commune_code, series, entity_id ORDER BY at, hlc, id)
    )
    INSERT INTO plan_evidence (event_id, commune_code, series, at, until, listed, published, leaders, leaders_published)
    SELECT id, commune_code, series, at, COALESCE(lead(at) OVER serie, 'infinity'),
           sum(d_listed) OVER running, sum(d_published) OVER running, sum(d_leaders) OVER running,
           sum(d_leaders_published) OVER running
    FROM change
    WINDOW serie AS (PARTITION BY commune_code, series ORDER BY at, hlc, id),
           running AS (serie ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
$$;

-- Keeps the timelines as events are stored, in whatever order they arrive: each statement's new
-- events rebuild the few series they belong to (a commune's series are short). Runs as the
-- storing role, behind the same commune wall as the events.
CREATE FUNCTION plan_evidence_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    communes TEXT[];
    series TEXT[];
BEGIN
    SELECT array_agg(t.commune_code), array_agg(t.series) INTO communes, series
    FROM (SELECT DISTINCT a.commune_code, plan_series(a.kind, a.payload) AS series FROM added a) t
    WHERE t.series IS NOT NULL;
    IF communes IS NOT NULL THEN
        PERFORM plan_evidence_rebuild(communes, series);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plan_evidence_keep AFTER INSERT ON event REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION plan_evidence_keep();

SELECT plan_evidence_rebuild(NULL, NULL);

ALTER TABLE plan_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_evidence FORCE ROW LEVEL SECURITY;
CREATE POLICY commune_wall ON plan_evidence TO thanthien_app
    USING (commune_code = current_setting('thanthien.commune', true))
    WITH CHECK (commune_code = current_setting('thanthien.commune', true));
CREATE POLICY province ON plan_evidence TO thanthien_province USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON plan_evidence TO thanthien_app;
GRANT SELECT ON plan_evidence TO thanthien_province;
