-- Why a code did not enrol: a commune's admin types it by hand from the console's screen, and
-- "wrong", "already used" and "expired" each need a different next step (retype it, ask who used
-- it, ask the province for a new one). Asked only after a claim failed.
CREATE FUNCTION enrollment_code_state(p_hash BYTEA) RETURNS TEXT
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT CASE WHEN e.used_at IS NOT NULL THEN 'used' WHEN e.expires_at <= now() THEN 'expired' END
    FROM enrollment_code e WHERE e.code_hash = p_hash
$$;

REVOKE ALL ON FUNCTION enrollment_code_state(BYTEA) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enrollment_code_state(BYTEA) TO thanthien_app;
