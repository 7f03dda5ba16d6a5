-- The province's console (issue 14). Communes get the area the province groups them by (khu vực:
-- districts were abolished on 1/7/2025); a week's summary keeps when its report in force came
-- (for the on-time rate); console sessions live here, hashed like device tokens.
ALTER TABLE commune ADD COLUMN district TEXT;

ALTER TABLE week_summary ADD COLUMN reported_at TIMESTAMPTZ;
-- Weeks approved before this column: their latest approval is the best record there is.
UPDATE week_summary SET reported_at = approved_at WHERE status IN ('approved', 'accepted');

-- Whether a commune has entries in a week (draft vs not started): by commune and clock.
CREATE INDEX event_commune_hlc ON event (commune_code, hlc);

-- A signed-in console user: the cookie holds the token, this table its hash. Idle sessions end.
CREATE TABLE console_session (
    token_hash    BYTEA PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES province_account (username) ON DELETE CASCADE,
    csrf          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The console's login is a member of thanthien_province (`app-login --console`): every commune's
-- rows by the `province` policies, and the province's own tables. The owner keeps them anyway.
GRANT SELECT, INSERT, UPDATE ON commune, device, enrollment_code, event, week_summary TO thanthien_province;
GRANT SELECT ON event_conflict, event_quarantine, reference_release, _sqlx_migrations TO thanthien_province;
GRANT INSERT ON reference_release TO thanthien_province;
GRANT SELECT, UPDATE ON province_account TO thanthien_province;
GRANT SELECT, INSERT ON province_audit TO thanthien_province;
GRANT SELECT, INSERT, UPDATE, DELETE ON console_session TO thanthien_province;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO thanthien_province;
