-- Canaries (SPEC §7.3): a candidate version of a Git source's policies and
-- templates served to the nodes of one environment that match a selector.
-- At most one canary per source and environment is active: the partial
-- unique index holds only active rows (both engines support it).
CREATE TABLE canaries (
    name           TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    environment    TEXT NOT NULL,
    candidate_kind TEXT NOT NULL,
    candidate_ref  TEXT NOT NULL DEFAULT '',
    commit_id      TEXT NOT NULL,
    snapshot       TEXT NOT NULL,
    message        TEXT NOT NULL DEFAULT '',
    selector       TEXT NOT NULL,
    abort_on       TEXT NOT NULL DEFAULT '',
    ttl            TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    state          TEXT NOT NULL,
    end_reason     TEXT NOT NULL DEFAULT '',
    end_detail     TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    ended_by       TEXT NOT NULL DEFAULT '',
    ended_at       TEXT NOT NULL DEFAULT '',
    summary_json   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX canaries_one_active ON canaries (source, environment) WHERE state = 'active';
CREATE INDEX canaries_state ON canaries (state);
