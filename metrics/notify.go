package metrics

import "github.com/prometheus/client_golang/prometheus"

// WorkerNotifier is the notification outbox worker (leader only).
const WorkerNotifier = "notifier"

var (
	notifyDeliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_notification_deliveries_total",
		Help: "Notification delivery attempts by subscription and outcome (delivered, failed: to be retried, dead: given up, test).",
	}, []string{"subscription", "outcome"})
	notifyPending = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unet_notification_pending_events",
		Help: "Events waiting for delivery to each subscription (counted up to one page of the event log).",
	}, []string{"subscription"})
	notifyDead = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unet_notification_dead_letters",
		Help: "Events each subscription gave up on (dead letters).",
	}, []string{"subscription"})
)

func init() {
	Registry.MustRegister(notifyDeliveries, notifyPending, notifyDead)
}

// ObserveNotification counts one delivery attempt of subscription.
func ObserveNotification(subscription, outcome string) {
	notifyDeliveries.WithLabelValues(subscription, outcome).Inc()
}

// SetNotificationBacklog sets the pending events and the dead letters of
// subscription.
func SetNotificationBacklog(subscription string, pending, dead int) {
	notifyPending.WithLabelValues(subscription).Set(float64(pending))
	notifyDead.WithLabelValues(subscription).Set(float64(dead))
}

// ForgetNotification removes the series of a removed subscription.
func ForgetNotification(subscription string) {
	notifyDeliveries.DeletePartialMatch(prometheus.Labels{"subscription": subscription})
	notifyPending.DeletePartialMatch(prometheus.Labels{"subscription": subscription})
	notifyDead.DeletePartialMatch(prometheus.Labels{"subscription": subscription})
}
