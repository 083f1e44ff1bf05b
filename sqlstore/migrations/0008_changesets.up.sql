-- Change review (SPEC §7.2, §7.4): change sets with their staged operations
-- and review decisions, approval rules, the events of every transition, and
-- the reviews of emergency changes. Change set ids come from the counters
-- table ("cs-" || id); changes rows name the set that wrote them and carry
-- the emergency flag. Booleans are INTEGER 0/1 and times fixed-width UTC
-- text, as in every other table, so that one schema serves SQLite and
-- PostgreSQL.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('change_set', 0);

CREATE TABLE change_sets (
    id           INTEGER PRIMARY KEY,
    state        TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL,
    auto_apply   INTEGER NOT NULL DEFAULT 0,
    emergency    INTEGER NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    reverts      TEXT NOT NULL DEFAULT '',
    reverted_by  TEXT NOT NULL DEFAULT '',
    batch        TEXT NOT NULL DEFAULT '',
    applied_by   TEXT NOT NULL DEFAULT '',
    applied_at   TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX change_sets_state ON change_sets (state, id);

CREATE TABLE change_set_ops (
    set_id     INTEGER NOT NULL REFERENCES change_sets(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    op         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT '',
    data_json  TEXT,
    cascade_delete INTEGER NOT NULL DEFAULT 0,
    bases_json TEXT NOT NULL DEFAULT '[]',
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (set_id, seq)
);

CREATE TABLE change_set_approvals (
    id           TEXT PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES change_sets(id) ON DELETE CASCADE,
    actor        TEXT NOT NULL,
    decision     TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    roles        TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL,
    dismissed_at TEXT
);
CREATE INDEX change_set_approvals_set ON change_set_approvals (set_id);

CREATE TABLE change_events (
    id         TEXT PRIMARY KEY,
    time       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    set_id     INTEGER NOT NULL DEFAULT 0,
    transition TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX change_events_set ON change_events (set_id, id);

CREATE TABLE approval_rules (
    name        TEXT PRIMARY KEY,
    when_cond   TEXT NOT NULL,
    required    INTEGER NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE emergency_reviews (
    batch      TEXT PRIMARY KEY,
    reviewer   TEXT NOT NULL,
    comment    TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);

ALTER TABLE changes ADD COLUMN change_set TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0;
CREATE INDEX changes_batch ON changes (batch);
CREATE INDEX changes_emergency ON changes (time) WHERE emergency = 1;
