-- An object's history (the change log by object ID) reads its own rows by
-- index instead of every row of the log.
CREATE INDEX changes_object_id ON changes (object_id);
