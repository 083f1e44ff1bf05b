-- Policy results: the latest result per (object, rule), and the history of
-- compliance state changes.
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

CREATE TABLE compliance_history (
    id          TEXT PRIMARY KEY,
    time        TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    object_name TEXT NOT NULL,
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX compliance_history_object ON compliance_history (object_kind, object_id, rule);
CREATE INDEX compliance_history_time ON compliance_history (time);
