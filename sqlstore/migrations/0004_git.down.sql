DROP TABLE git_history;
DROP TABLE git_state;
DROP TABLE git_sources;
