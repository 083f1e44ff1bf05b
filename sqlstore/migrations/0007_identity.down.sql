DROP TABLE refresh_tokens;
DROP TABLE signing_keys;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE grants;
DROP TABLE roles;
DROP TABLE users;
