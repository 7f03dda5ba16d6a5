-- The device token is kept in the OS credential store where the PC has one (issue 15): the row
-- then keeps only that it is there, and `token` is NULL. PCs enrolled before move it at start.
ALTER TABLE local_device ADD COLUMN token_in_os_store BOOLEAN NOT NULL DEFAULT FALSE;
