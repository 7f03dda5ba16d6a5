-- The commune wall in the database itself (issue 12). Two roles split the province's database:
-- the owner, who runs these migrations and the province's own commands, and `thanthien_app`, the
-- role the server's login belongs to: no superuser, no BYPASSRLS, and every commune-scoped table
-- under forced row-level security keyed on `thanthien.commune`, which the server sets in each
-- transaction to the commune of the device's token. A query that forgets it returns nothing.
--
-- Roles are the cluster's, not the database's: created here when missing (the owner needs
-- CREATEROLE for that, or a DBA creates them first; see README), and shared by every database
-- of the cluster (each test's own database included).
DO $$
BEGIN
    CREATE ROLE thanthien_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
    CREATE ROLE thanthien_province NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
-- The owner reads and writes every commune (the province's commands, the definer functions).
DO $$
BEGIN
    EXECUTE format('GRANT thanthien_province TO %I', current_user);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'cannot grant thanthien_province to %: %', current_user, SQLERRM;
END $$;

-- Quarantined and conflicting events name their commune, so the wall covers them too.
ALTER TABLE event_quarantine ADD COLUMN commune_code TEXT REFERENCES commune (code);
UPDATE event_quarantine q SET commune_code = d.commune_code FROM device d WHERE d.id = q.device_id;
ALTER TABLE event_quarantine ALTER COLUMN commune_code SET NOT NULL;
ALTER TABLE event_conflict ADD COLUMN commune_code TEXT REFERENCES commune (code);
UPDATE event_conflict c SET commune_code = d.commune_code FROM device d WHERE d.id = c.device_id;
ALTER TABLE event_conflict ALTER COLUMN commune_code SET NOT NULL;

-- Enrolment enrols new devices only; a code made for an existing device (an explicit act of the
-- province) re-keys that device and no other.
ALTER TABLE enrollment_code ADD COLUMN for_device UUID REFERENCES device (id);

GRANT SELECT, UPDATE ON commune TO thanthien_app;
GRANT SELECT, INSERT, UPDATE ON device, event, event_conflict, event_quarantine, week_summary TO thanthien_app;
GRANT SELECT ON reference_release, _sqlx_migrations TO thanthien_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO thanthien_app;

-- One policy pair per commune-scoped table: the app sees its transaction's commune, the
-- province everything.
DO $$
DECLARE
    t TEXT;
    key TEXT;
BEGIN
    FOR t, key IN VALUES ('commune', 'code'), ('device', 'commune_code'), ('enrollment_code', 'commune_code'),
        ('event', 'commune_code'), ('event_conflict', 'commune_code'), ('event_quarantine', 'commune_code'),
        ('week_summary', 'commune_code')
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY commune_wall ON %I TO thanthien_app
                 USING (%I = current_setting(''thanthien.commune'', true))
                 WITH CHECK (%I = current_setting(''thanthien.commune'', true))', t, key, key);
        EXECUTE format('CREATE POLICY province ON %I TO thanthien_province USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- A token names its device before anyone knows the commune: the one look-up across the wall,
-- returning the token's own device only.
CREATE FUNCTION device_for_token(p_hash BYTEA) RETURNS TABLE (id UUID, commune_code TEXT)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT d.id, d.commune_code FROM device d WHERE d.token_hash = p_hash AND d.revoked_at IS NULL
$$;

-- Likewise a one-time code names its commune: claiming it marks it used (the caller's
-- transaction decides whether that stands).
CREATE FUNCTION claim_enrollment_code(p_hash BYTEA, p_device UUID)
RETURNS TABLE (commune_code TEXT, commune_name TEXT, for_device UUID)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
    UPDATE enrollment_code e SET used_at = now(), used_by_device = p_device
    FROM commune c
    WHERE e.code_hash = p_hash AND e.used_at IS NULL AND e.expires_at > now() AND c.code = e.commune_code
    RETURNING c.code, c.name, e.for_device
$$;

-- Whether a device id is taken in any commune (a new device must bring a new id).
CREATE FUNCTION device_id_taken(p_device UUID) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM device d WHERE d.id = p_device)
$$;

REVOKE ALL ON FUNCTION device_for_token(BYTEA), claim_enrollment_code(BYTEA, UUID), device_id_taken(UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION device_for_token(BYTEA), claim_enrollment_code(BYTEA, UUID), device_id_taken(UUID)
    TO thanthien_app;
