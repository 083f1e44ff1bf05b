DROP INDEX changes_object_id;
