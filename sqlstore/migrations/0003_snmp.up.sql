-- SNMP: connection profiles (credentials are secret references, never values),
-- and derived state kept apart from desired state.
CREATE TABLE snmp_profiles (
    name            TEXT PRIMARY KEY,
    version         TEXT NOT NULL,
    community_ref   TEXT NOT NULL DEFAULT '',
    user_name       TEXT NOT NULL DEFAULT '',
    auth_proto      TEXT NOT NULL DEFAULT '',
    auth_key_ref    TEXT NOT NULL DEFAULT '',
    priv_proto      TEXT NOT NULL DEFAULT '',
    priv_key_ref    TEXT NOT NULL DEFAULT '',
    port            INTEGER NOT NULL DEFAULT 0,
    timeout_ms      BIGINT NOT NULL DEFAULT 0,
    retries         INTEGER NOT NULL DEFAULT 0,
    max_repetitions INTEGER NOT NULL DEFAULT 0,
    interval_s      BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

ALTER TABLE locations ADD COLUMN snmp_profile TEXT NOT NULL DEFAULT '';

CREATE TABLE node_status (
    node_id              TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
    reachable            INTEGER NOT NULL,
    last_attempt         TEXT NOT NULL,
    last_success         TEXT NOT NULL DEFAULT '',
    error                TEXT NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    profile              TEXT NOT NULL DEFAULT '',
    sys_descr            TEXT NOT NULL DEFAULT '',
    sys_object_id        TEXT NOT NULL DEFAULT '',
    sys_name             TEXT NOT NULL DEFAULT '',
    sys_contact          TEXT NOT NULL DEFAULT '',
    sys_location         TEXT NOT NULL DEFAULT '',
    uptime_s             BIGINT NOT NULL DEFAULT 0,
    vendor               TEXT NOT NULL DEFAULT '',
    platform             TEXT NOT NULL DEFAULT '',
    version              TEXT NOT NULL DEFAULT '',
    cpu_percent          DOUBLE PRECISION,
    memory_used          BIGINT,
    memory_total         BIGINT,
    next_poll            TEXT NOT NULL DEFAULT ''
);

CREATE TABLE interface_status (
    node_id      TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    if_index     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    data         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (node_id, if_index)
);

CREATE TABLE status_history (
    id        TEXT PRIMARY KEY,
    node_id   TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    time      TEXT NOT NULL,
    reachable INTEGER NOT NULL,
    version   TEXT NOT NULL DEFAULT '',
    error     TEXT NOT NULL DEFAULT '',
    snapshot  TEXT NOT NULL
);
CREATE INDEX status_history_node ON status_history (node_id, time);
