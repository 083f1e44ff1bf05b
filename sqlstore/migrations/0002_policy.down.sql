DROP TABLE compliance_history;
DROP TABLE policy_results;
