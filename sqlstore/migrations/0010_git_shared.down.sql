DROP TABLE git_sync_locks;
DROP INDEX git_webhook_deliveries_expiry;
DROP TABLE git_webhook_deliveries;
DROP INDEX git_snapshot_files_blob;
DROP TABLE git_snapshot_files;
DROP TABLE git_snapshots;
DROP TABLE git_blobs;
