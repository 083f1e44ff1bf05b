-- Notification subscriptions and their durable outbox (SPEC §7.4). The
-- outbox is the events table itself: each subscription keeps a cursor (the
-- last event ID it is done with: delivered or dead-lettered) and the retry
-- state of its head event (the first matching event after the cursor;
-- head_id names the event the retry state is about).
-- Secrets are references (env:, db:, file:), never values; url holds an
-- inline http(s) URL or a reference to one.
CREATE TABLE notification_subscriptions (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL DEFAULT '',
    secret_ref    TEXT NOT NULL DEFAULT '',
    smtp_server   TEXT NOT NULL DEFAULT '',
    smtp_from     TEXT NOT NULL DEFAULT '',
    smtp_to       TEXT NOT NULL DEFAULT '',
    smtp_username TEXT NOT NULL DEFAULT '',
    smtp_password_ref TEXT NOT NULL DEFAULT '',
    smtp_ca_file  TEXT NOT NULL DEFAULT '',
    events        TEXT NOT NULL,
    cursor_id     BIGINT NOT NULL DEFAULT 0,
    head_id       BIGINT NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT NOT NULL DEFAULT '',
    first_failure TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    dead          INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
);

-- One row per delivery attempt (and per `notify test`). status is the HTTP
-- status or the SMTP reply code, reply the SMTP reply text.
CREATE TABLE notification_deliveries (
    id              BIGINT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES notification_subscriptions(id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    time            TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,
    reply           TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    duration_ms     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notification_deliveries_sub ON notification_deliveries (subscription_id, id);
INSERT INTO counters (name, value) VALUES ('notification_delivery', 0);
