-- Database-wide settings as key/value pairs (e.g. "demo" = "true" for a
-- database loaded with the demo dataset).
CREATE TABLE unet_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Where a Git source keeps its rules and templates inside the repository
-- (empty: a policies/ or templates/ sub-directory when present, else the
-- source's root).
ALTER TABLE git_sources ADD COLUMN policies_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE git_sources ADD COLUMN templates_dir TEXT NOT NULL DEFAULT '';
