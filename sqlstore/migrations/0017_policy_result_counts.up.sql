-- Compliance summary (issue 20, dashboard): the stored results counted by
-- rule, severity and status, kept in the transaction that stores results,
-- and on each object's row its failing results of critical and high
-- severity, indexed to find the objects failing the most. The counts of
-- results stored before this migration are computed from the encoded
-- results by a step in Go (sqlstore/migrate_0017.go) that runs after this.
CREATE TABLE policy_result_counts (
    rule     TEXT NOT NULL,
    severity TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (rule, severity, status)
);
ALTER TABLE policy_object_results ADD COLUMN n_critical_fail INTEGER NOT NULL DEFAULT 0;
ALTER TABLE policy_object_results ADD COLUMN n_high_fail INTEGER NOT NULL DEFAULT 0;
CREATE INDEX policy_object_results_failing ON policy_object_results (object_kind, n_critical_fail, n_high_fail);

-- The dashboard counts the emergency change batches awaiting review on
-- every view: grouping the emergency changes by batch through this index
-- reads only them (through changes_batch, the whole change log).
CREATE INDEX changes_emergency_batch ON changes (batch, id) WHERE emergency = 1;
