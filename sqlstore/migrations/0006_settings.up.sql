-- Database-wide settings as key/value pairs (e.g. "demo" = "true" for a
-- database loaded with the demo dataset).
CREATE TABLE unet_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
