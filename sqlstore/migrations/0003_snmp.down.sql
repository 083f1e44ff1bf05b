DROP TABLE status_history;
DROP TABLE interface_status;
DROP TABLE node_status;
ALTER TABLE locations DROP COLUMN snmp_profile;
DROP TABLE snmp_profiles;
