DROP INDEX cluster_job_runs_job;
DROP TABLE cluster_job_runs;
DROP TABLE cluster_leases;
DROP TABLE cluster_members;
