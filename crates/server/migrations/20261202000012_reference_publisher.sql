-- Who published each reference data version (issue 14): a console account, or `cli:<OS user>`.
ALTER TABLE reference_release ADD COLUMN published_by TEXT;
