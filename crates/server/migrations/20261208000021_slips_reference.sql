-- The province publishes the one-stop slips' wording (issue 18): a fourth kind of reference data,
-- so a province that follows newer forms than Thông tư 01/2018 changes them without a release.
ALTER TABLE reference_release DROP CONSTRAINT reference_release_kind_check;
ALTER TABLE reference_release ADD CONSTRAINT reference_release_kind_check
    CHECK (kind IN ('procedures', 'holidays', 'retention', 'slips'));
