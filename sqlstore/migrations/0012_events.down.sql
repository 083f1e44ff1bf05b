DROP TABLE events;
DELETE FROM counters WHERE name = 'event';
