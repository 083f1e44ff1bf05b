-- Secrets stored encrypted (AES-256-GCM) for db:NAME references. Only the
-- ciphertext is stored, with its nonce and the id of the key that sealed it;
-- the key itself lives outside the database.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
