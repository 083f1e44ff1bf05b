-- Git state shared by the replicas of one database (SPEC §9): the content of
-- activated snapshots, content-addressed (a blob per distinct file content,
-- keyed by the SHA-256 of the content and stored as base64 text so that one
-- schema serves SQLite and PostgreSQL, and a manifest per snapshot naming
-- the blob of each path), the webhook deliveries already seen (with their
-- expiry), and the per-source sync locks that keep two replicas from syncing
-- one source at once. Times are fixed-width UTC text, as everywhere.
CREATE TABLE git_blobs (
    hash    TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content TEXT NOT NULL
);

CREATE TABLE git_snapshots (
    source     TEXT NOT NULL,
    name       TEXT NOT NULL,
    commit_id  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source, name)
);

CREATE TABLE git_snapshot_files (
    source   TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    path     TEXT NOT NULL,
    mode     INTEGER NOT NULL,
    blob     TEXT NOT NULL,
    PRIMARY KEY (source, snapshot, path)
);
CREATE INDEX git_snapshot_files_blob ON git_snapshot_files (blob);

CREATE TABLE git_webhook_deliveries (
    key         TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    received_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX git_webhook_deliveries_expiry ON git_webhook_deliveries (expires_at);

CREATE TABLE git_sync_locks (
    source      TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
