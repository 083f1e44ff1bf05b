-- Identity and access: users (argon2id password hashes in PHC format),
-- custom roles (built-in roles live in code), grants of roles to users with
-- an optional scope, API tokens (only the peppered HMAC digest of the
-- secret), and the append-only audit log. signing_keys and refresh_tokens
-- are for JWT login and stay empty until it is used. Booleans are INTEGER
-- 0/1 and times fixed-width UTC text, as in every other table, so that one
-- schema serves SQLite and PostgreSQL.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    permissions TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE grants (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE INDEX grants_role ON grants(role);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    read_only   INTEGER NOT NULL DEFAULT 0,
    allow_ips   TEXT NOT NULL DEFAULT '',
    expires_at  TEXT,
    last_used   TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    time        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    auth_method TEXT NOT NULL,
    permission  TEXT NOT NULL DEFAULT '',
    method      TEXT NOT NULL DEFAULT '',
    route       TEXT NOT NULL DEFAULT '',
    object      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    source_ip   TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_time ON audit_log(time);
CREATE INDEX audit_log_actor ON audit_log(actor, id);

CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    ciphertext  TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    family      TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
