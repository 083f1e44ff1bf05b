-- Replicas (issue: scale-out): the members of the cluster with their
-- heartbeats, the leases singleton jobs run under (one named "leader") with
-- a fencing token that grows at every acquisition, and the runs of those
-- jobs, each recorded with the token it ran under. Times are fixed-width UTC
-- text written by the members' clocks; an empty expires_at is a released
-- lease.
CREATE TABLE cluster_members (
    id             TEXT PRIMARY KEY,
    address        TEXT NOT NULL DEFAULT '',
    version        TEXT NOT NULL DEFAULT '',
    -- The member's own timing: it counts as dead once its last heartbeat
    -- is older than its lease TTL.
    heartbeat_ms   BIGINT NOT NULL DEFAULT 0,
    lease_ttl_ms   BIGINT NOT NULL DEFAULT 0,
    started_at     TEXT NOT NULL,
    last_heartbeat TEXT NOT NULL
);

CREATE TABLE cluster_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    token       BIGINT NOT NULL,
    acquired_at TEXT NOT NULL DEFAULT '',
    expires_at  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cluster_job_runs (
    id          TEXT PRIMARY KEY,
    job         TEXT NOT NULL,
    member      TEXT NOT NULL,
    token       BIGINT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cluster_job_runs_job ON cluster_job_runs (job, started_at);
