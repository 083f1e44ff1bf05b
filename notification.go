package unet

import (
	"context"
	"time"
)

// KindNotification is the object kind of notification subscriptions in the
// change log.
const KindNotification = "notification"

// Kinds of notification subscription.
const (
	// NotifyWebhook posts each event to a URL (Standard Webhooks or Slack).
	NotifyWebhook = "webhook"
	// NotifyEmail mails each event over SMTP.
	NotifyEmail = "email"
)

// Formats of a webhook subscription.
const (
	// FormatStandard is a Standard Webhooks delivery: a signed JSON envelope
	// of the event.
	FormatStandard = "standard"
	// FormatSlack is a Slack incoming-webhook message.
	FormatSlack = "slack"
)

// Outcomes of a delivery attempt.
const (
	// DeliveryDelivered: the receiver accepted the event (2xx, SMTP 250).
	DeliveryDelivered = "delivered"
	// DeliveryFailed: the attempt failed and will be retried.
	DeliveryFailed = "failed"
	// DeliveryDead: the last attempt failed after the give-up time; the
	// event is a dead letter and the subscription moved on.
	DeliveryDead = "dead"
	// DeliveryTest: an attempt of `notify test` (outcome of the send in
	// Status, Reply and Error).
	DeliveryTest = "test"
)

// SMTPSettings is where and how an email subscription sends its mail.
type SMTPSettings struct {
	// Server is smtp://HOST[:PORT] (STARTTLS when the server offers it;
	// port 25 by default) or smtps://HOST[:PORT] (TLS from the start; port
	// 465 by default).
	Server string `json:"server"`
	// From is the sender address, To the recipients.
	From string   `json:"from"`
	To   []string `json:"to"`
	// Username and PasswordRef (a secret reference) authenticate, only
	// over TLS.
	Username    string `json:"username,omitempty"`
	PasswordRef string `json:"password_ref,omitempty"`
	// CAFile names a PEM file of certificate authorities trusted for the
	// server's certificate besides the system's.
	CAFile string `json:"ca_file,omitempty"`
}

// Subscription sends the events whose types match Events to a webhook or to
// mail recipients, in event order, at least once (docs/notifications.md).
type Subscription struct {
	Name string `json:"name"`
	// Kind is webhook or email.
	Kind string `json:"kind"`
	// URL of a webhook: an http(s) URL, or a secret reference (env:NAME,
	// db:NAME, file:PATH) holding one, as a Slack incoming-webhook URL is a
	// secret. Lists show an inline URL without its userinfo and query.
	URL string `json:"url,omitempty"`
	// Format of a webhook: standard (the default) or slack.
	Format string `json:"format,omitempty"`
	// SecretRef references the key Standard Webhooks deliveries are signed
	// with ("whsec_" + base64, or any bytes); empty: unsigned.
	SecretRef string        `json:"secret_ref,omitempty"`
	SMTP      *SMTPSettings `json:"smtp,omitempty"`
	// Events are the type patterns ("git.*", "changeset.approved", "*").
	Events []string `json:"events"`

	// Delivery state, read only. Cursor is the last event ID done
	// (delivered or dead-lettered); the head is the next matching event.
	Cursor int64 `json:"cursor"`
	// Attempts, FirstFailure, NextAttempt and LastError are the retry state
	// of the head event (zero when it has not failed).
	Attempts     int        `json:"attempts,omitempty"`
	FirstFailure *time.Time `json:"first_failure,omitempty"`
	NextAttempt  *time.Time `json:"next_attempt,omitempty"`
	LastError    string     `json:"last_error,omitempty"`
	// Dead counts the dead letters (events given up on).
	Dead int `json:"dead"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	Version   int       `json:"version"`
}

// Delivery is one attempt to deliver an event to a subscription.
type Delivery struct {
	ID           int64     `json:"id"`
	Subscription string    `json:"subscription"`
	EventID      int64     `json:"event_id"`
	EventType    string    `json:"event_type"`
	Attempt      int       `json:"attempt"`
	Time         time.Time `json:"time"`
	// Outcome is delivered, failed, dead or test.
	Outcome string `json:"outcome"`
	// Status is the HTTP status or the SMTP reply code (0: no answer);
	// Reply the SMTP reply text.
	Status     int    `json:"status,omitempty"`
	Reply      string `json:"reply,omitempty"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// DeliveryFilter selects deliveries: of one outcome ("" all), at most Limit
// (0: a default), newest first.
type DeliveryFilter struct {
	Outcome string
	Limit   int
}

// NotificationService manages notification subscriptions (SPEC §7.4).
// Adding and removing one is recorded in the change log.
type NotificationService interface {
	// AddSubscription creates a subscription; it starts at the current last
	// event (it is not sent the past).
	AddSubscription(ctx context.Context, s Subscription, o WriteOptions) (*Subscription, error)
	// ListSubscriptions returns every subscription by name, URLs redacted.
	ListSubscriptions(ctx context.Context) ([]Subscription, error)
	GetSubscription(ctx context.Context, name string) (*Subscription, error)
	RemoveSubscription(ctx context.Context, name string, o DeleteOptions) error
	// TestSubscription sends a notify.test event to the subscription now
	// and returns the outcome (also recorded among its deliveries).
	TestSubscription(ctx context.Context, name string) (*Delivery, error)
	// ListDeliveries returns the subscription's delivery attempts, newest
	// first.
	ListDeliveries(ctx context.Context, name string, f DeliveryFilter) ([]Delivery, error)
	// Redeliver sends a dead-lettered event to the subscription again, now,
	// and returns the outcome (delivered or failed).
	Redeliver(ctx context.Context, name string, eventID int64) (*Delivery, error)
}
