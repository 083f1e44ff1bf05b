-- Evaluation at scale (issue: scale-out): one digest per object of its
-- stored policy results (sqlstore.DigestRows over every column but the
-- times), written in the transactions that write the results, so that a
-- full evaluation compares one digest per object and reads the stored rows
-- only of objects whose digest differs. Every object with stored results
-- has a row; an empty digest is unknown (results stored before this table
-- existed) and never matches.
CREATE TABLE policy_digests (
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    PRIMARY KEY (object_kind, object_id)
);
INSERT INTO policy_digests (object_kind, object_id, digest)
    SELECT DISTINCT object_kind, object_id, '' FROM policy_results;
