-- The province publishes how long each register keeps personal data (issue 17): a third kind of
-- reference data, beside the procedure catalogue and the holiday calendar.
ALTER TABLE reference_release DROP CONSTRAINT reference_release_kind_check;
ALTER TABLE reference_release ADD CONSTRAINT reference_release_kind_check
    CHECK (kind IN ('procedures', 'holidays', 'retention'));
