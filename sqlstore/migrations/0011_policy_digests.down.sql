DROP TABLE policy_digests;
