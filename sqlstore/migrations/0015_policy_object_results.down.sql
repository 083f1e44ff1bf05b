-- Back to one row per result (0002, 0011): the tables are created here and
-- filled from policy_object_results, and the first-results rows of the
-- history expanded into one row per result, by a step in Go
-- (sqlstore/migrate_0015.go) that runs after this and then drops what 0015
-- added. Restored digests are empty (unknown): the next full evaluation
-- compares the rows.
CREATE TABLE policy_results (
    object_kind   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    rule          TEXT NOT NULL,
    object_name   TEXT NOT NULL,
    severity      TEXT NOT NULL,
    status        TEXT NOT NULL,
    expected_json TEXT,
    actual_json   TEXT,
    message       TEXT NOT NULL DEFAULT '',
    file          TEXT NOT NULL DEFAULT '',
    line          INTEGER NOT NULL DEFAULT 0,
    source        TEXT NOT NULL DEFAULT '',
    evaluated_at  TEXT NOT NULL,
    since         TEXT NOT NULL,
    PRIMARY KEY (object_kind, object_id, rule)
);
CREATE INDEX policy_results_rule ON policy_results (rule, status);
CREATE INDEX policy_results_status ON policy_results (status, severity);
CREATE TABLE policy_digests (
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    PRIMARY KEY (object_kind, object_id)
);
