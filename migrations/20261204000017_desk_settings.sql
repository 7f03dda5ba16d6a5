-- This PC's own settings, set in Cài đặt (issue 15) and never synced: a counter PC in the public
-- hall locks sooner than a back office's, and the export folder is a path on this disk.
ALTER TABLE local_device ADD COLUMN idle_lock_minutes INTEGER;
ALTER TABLE local_device ADD COLUMN export_dir TEXT;
-- Set with the first admin account: the first-start wizard shows an admin until it is finished
-- or skipped. PCs set up before the wizard existed never see it.
ALTER TABLE local_device ADD COLUMN setup_pending INTEGER NOT NULL DEFAULT 0;
