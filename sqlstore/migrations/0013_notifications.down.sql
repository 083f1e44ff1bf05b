DROP TABLE notification_deliveries;
DROP TABLE notification_subscriptions;
DELETE FROM counters WHERE name = 'notification_delivery';
