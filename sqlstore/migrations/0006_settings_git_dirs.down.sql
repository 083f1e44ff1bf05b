ALTER TABLE git_sources DROP COLUMN templates_dir;
ALTER TABLE git_sources DROP COLUMN policies_dir;
DROP TABLE unet_settings;
