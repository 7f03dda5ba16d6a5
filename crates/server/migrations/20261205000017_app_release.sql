-- App releases the province publishes for its PCs: the file (the Windows installer, or the Linux
-- binary), its minisign signature made on the province's own PC (the signing key never comes
-- here; the server checks the signature against the public key built into it before it takes a
-- release, and every PC checks it again before installing), and the notes a PC shows first.
-- A release is never changed once published: a fix is a new version.
CREATE TABLE app_release (
    platform TEXT NOT NULL CHECK (platform IN ('windows-x86_64', 'linux-x86_64')),
    version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 32),
    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    file BYTEA NOT NULL,
    signature TEXT NOT NULL,
    notes TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_by TEXT,
    PRIMARY KEY (platform, version)
);

-- Every PC reads the releases with its device token (they are the same for every commune); the
-- console reads them beside which PCs run which version.
GRANT SELECT ON app_release TO thanthien_app;
GRANT SELECT ON app_release TO thanthien_province;
