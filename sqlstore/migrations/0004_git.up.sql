-- Git sources of policies and templates (credentials are secret references),
-- the active snapshot of each environment (one JSON document per source,
-- replaced atomically) and the sync history.
CREATE TABLE git_sources (
    name               TEXT PRIMARY KEY,
    url                TEXT NOT NULL,
    branch             TEXT NOT NULL DEFAULT '',
    tag                TEXT NOT NULL DEFAULT '',
    commit_id          TEXT NOT NULL DEFAULT '',
    path               TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL,
    auth               TEXT NOT NULL DEFAULT '',
    webhook_secret_ref TEXT NOT NULL DEFAULT '',
    interval_s         BIGINT NOT NULL DEFAULT 0,
    environments       TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE git_state (
    source     TEXT PRIMARY KEY REFERENCES git_sources(name) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE git_history (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL REFERENCES git_sources(name) ON DELETE CASCADE,
    environment TEXT NOT NULL DEFAULT '',
    trigger_by  TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    commit_id   TEXT NOT NULL DEFAULT '',
    synced_at   TEXT NOT NULL,
    entry       TEXT NOT NULL
);
CREATE INDEX git_history_source ON git_history (source, id);
