-- Evaluation at scale (issue: scale-out): the stored results of one object
-- are one row (policy_object_results) holding all of them in a compact
-- text encoding (sqlstore/policy_encoding.go: one line a result in rule
-- order, tab-separated fields, backslash escapes), with the object's digest
-- (folded in from policy_digests, which this drops) and its results
-- counted by status, so that a full evaluation of 10,000 objects × 100
-- rules writes 10,000 rows instead of a million. Filters by status skip
-- objects by their counts; the other filters decode.
--
-- The rows converted here take the full form of the encoding, which names
-- no rule set; μNet writes the compact form (rule sets below).
--
-- The first results of an object in the compliance history (from no
-- result to a status) are one row with the list of them (entries, same
-- escaping: rule, severity, status, source; entry_count of them); such a
-- row has an empty rule and statuses. Every other change stays one row.
--
-- The tab and newline inside the string literals below are literal
-- characters: SQLite and PostgreSQL have no common function for them.
CREATE TABLE policy_object_results (
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    object_name  TEXT NOT NULL,
    evaluated_at TEXT NOT NULL,
    digest       TEXT NOT NULL DEFAULT '',
    results      TEXT NOT NULL,
    n_results    INTEGER NOT NULL,
    n_pass       INTEGER NOT NULL,
    n_fail       INTEGER NOT NULL,
    n_error      INTEGER NOT NULL,
    n_na         INTEGER NOT NULL,
    PRIMARY KEY (object_kind, object_id)
);
CREATE INDEX policy_object_results_name ON policy_object_results (object_name);

-- What the results of many objects share (rules, severities, files,
-- lines, sources), one row a distinct set, named by the compact form of
-- results and of first-results history rows that μNet writes.
CREATE TABLE policy_rule_sets (
    id    TEXT PRIMARY KEY,
    rules TEXT NOT NULL
);

INSERT INTO policy_object_results (object_kind, object_id, object_name, evaluated_at, digest, results,
    n_results, n_pass, n_fail, n_error, n_na)
SELECT r.object_kind, r.object_id, o.object_name, o.evaluated_at, COALESCE(d.digest, ''),
    string_agg(replace(replace(replace(r.rule, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || CASE WHEN r.object_name = o.object_name THEN '' ELSE replace(replace(replace(r.object_name, '\', '\\'), '	', '\t'), '
', '\n') END || '	'
            || replace(replace(replace(r.severity, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || replace(replace(replace(r.status, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || CASE WHEN r.expected_json IS NULL THEN '' ELSE '=' || replace(replace(replace(r.expected_json, '\', '\\'), '	', '\t'), '
', '\n') END || '	'
            || CASE WHEN r.actual_json IS NULL THEN '' ELSE '=' || replace(replace(replace(r.actual_json, '\', '\\'), '	', '\t'), '
', '\n') END || '	'
            || replace(replace(replace(r.message, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || replace(replace(replace(r.file, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || CAST(r.line AS TEXT) || '	'
            || replace(replace(replace(r.source, '\', '\\'), '	', '\t'), '
', '\n') || '	'
            || CASE WHEN r.evaluated_at = o.evaluated_at THEN '' ELSE replace(replace(replace(r.evaluated_at, '\', '\\'), '	', '\t'), '
', '\n') END || '	'
            || CASE WHEN r.since = r.evaluated_at THEN '' ELSE replace(replace(replace(r.since, '\', '\\'), '	', '\t'), '
', '\n') END, '
' ORDER BY r.rule),
    COUNT(*),
    SUM(CASE WHEN r.status = 'pass' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'fail' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'error' THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.status = 'not_applicable' THEN 1 ELSE 0 END)
FROM policy_results r
JOIN (SELECT object_kind, object_id, MAX(object_name) AS object_name, MAX(evaluated_at) AS evaluated_at
      FROM policy_results GROUP BY object_kind, object_id) o
    ON o.object_kind = r.object_kind AND o.object_id = r.object_id
LEFT JOIN policy_digests d ON d.object_kind = r.object_kind AND d.object_id = r.object_id
GROUP BY r.object_kind, r.object_id, o.object_name, o.evaluated_at, d.digest;

DROP TABLE policy_digests;
DROP TABLE policy_results;

ALTER TABLE compliance_history ADD COLUMN entries TEXT;
ALTER TABLE compliance_history ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 1;
