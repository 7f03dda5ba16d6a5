-- Backups that restore safely (issue 17). The folder the admin chose for the daily backup (a USB
-- drive, a network share; none: a folder beside the store). `recovering` is set by a restore: the
-- PC writes nothing until a sync round has told it the last seq the province settled for it, so
-- it never numbers two events alike, and has pulled back what it synced after the backup.
ALTER TABLE local_device ADD COLUMN backup_dir TEXT;
ALTER TABLE local_device ADD COLUMN recovering INTEGER NOT NULL DEFAULT 0;
