DROP INDEX changes_emergency_batch;
DROP INDEX policy_object_results_failing;
ALTER TABLE policy_object_results DROP COLUMN n_high_fail;
ALTER TABLE policy_object_results DROP COLUMN n_critical_fail;
DROP TABLE policy_result_counts;
