-- Events (SPEC §7.4): what notifications and the event stream carry,
-- written in the transaction of what they report. IDs come from the
-- counters row 'event', taken at the end of the writing transaction: the
-- row lock orders event-writing transactions, so IDs grow in commit order
-- and a reader resuming after ID n misses nothing committed.
CREATE TABLE events (
    id        BIGINT PRIMARY KEY,
    type      TEXT NOT NULL,
    time      TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    subject   TEXT NOT NULL DEFAULT '',
    summary   TEXT NOT NULL DEFAULT '',
    data_json TEXT NOT NULL
);
CREATE INDEX events_time ON events (time);
INSERT INTO counters (name, value) VALUES ('event', 0);
