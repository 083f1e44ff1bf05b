package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// StoredSubscription is one row of notification_subscriptions: the
// subscription as configured (URLs not redacted) with its delivery state.
type StoredSubscription struct {
	ID string
	// HeadID is the event the retry state is about (0: none).
	HeadID int64
	unet.Subscription
}

const subscriptionCols = `id, name, kind, url, format, secret_ref, smtp_server, smtp_from, smtp_to, smtp_username,
	smtp_password_ref, smtp_ca_file, events, cursor_id, head_id, attempts, next_attempt, first_failure, last_error, dead,
	created_at, created_by, version`

func scanSubscription(s rowScanner) (*StoredSubscription, error) {
	var st StoredSubscription
	var smtp unet.SMTPSettings
	var to, events, next, first, created string
	if err := s.Scan(&st.ID, &st.Name, &st.Kind, &st.URL, &st.Format, &st.SecretRef, &smtp.Server, &smtp.From, &to,
		&smtp.Username, &smtp.PasswordRef, &smtp.CAFile, &events, &st.Cursor, &st.HeadID, &st.Attempts, &next, &first, &st.LastError,
		&st.Dead, &created, &st.CreatedBy, &st.Version); err != nil {
		return nil, err
	}
	if st.Kind == unet.NotifyEmail {
		smtp.To = splitList(to)
		st.SMTP = &smtp
	}
	st.Events = splitList(events)
	if next != "" {
		t := parseTime(next)
		st.NextAttempt = &t
	}
	if first != "" {
		t := parseTime(first)
		st.FirstFailure = &t
	}
	st.CreatedAt = parseTime(created)
	return &st, nil
}

// splitList reads a comma-separated column ("" is no element).
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func fmtOptTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fmtTime(*t)
}

// GetSubscription returns a notification subscription by name.
func (r Reader) GetSubscription(ctx context.Context, name string) (*StoredSubscription, error) {
	st, err := scanSubscription(r.q.QueryRowContext(ctx, `SELECT `+subscriptionCols+` FROM notification_subscriptions WHERE name = $1`, name))
	return st, notFound(err, "notification subscription", name)
}

// GetSubscriptionByID returns a notification subscription by ID.
func (r Reader) GetSubscriptionByID(ctx context.Context, id string) (*StoredSubscription, error) {
	st, err := scanSubscription(r.q.QueryRowContext(ctx, `SELECT `+subscriptionCols+` FROM notification_subscriptions WHERE id = $1`, id))
	return st, notFound(err, "notification subscription", id)
}

// ListSubscriptions returns every notification subscription by name.
func (r Reader) ListSubscriptions(ctx context.Context) ([]StoredSubscription, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+subscriptionCols+` FROM notification_subscriptions ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list notification subscriptions: %w", err)
	}
	defer rows.Close()
	out := []StoredSubscription{}
	for rows.Next() {
		st, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("list notification subscriptions: %w", err)
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// InsertSubscription stores a new subscription; a taken name is a
// conflict.
func (tx *Tx) InsertSubscription(ctx context.Context, st *StoredSubscription) error {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notification_subscriptions WHERE name = $1`, st.Name).Scan(&n); err != nil {
		return fmt.Errorf("add notification subscription %s: %w", st.Name, err)
	}
	if n > 0 {
		return unet.Errorf(unet.ECONFLICT, "notification subscription %q already exists", st.Name)
	}
	var smtp unet.SMTPSettings
	if st.SMTP != nil {
		smtp = *st.SMTP
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO notification_subscriptions (`+subscriptionCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)`,
		st.ID, st.Name, st.Kind, st.URL, st.Format, st.SecretRef, smtp.Server, smtp.From, strings.Join(smtp.To, ","),
		smtp.Username, smtp.PasswordRef, smtp.CAFile, strings.Join(st.Events, ","), st.Cursor, st.HeadID, st.Attempts,
		fmtOptTime(st.NextAttempt), fmtOptTime(st.FirstFailure), st.LastError, st.Dead, fmtTime(st.CreatedAt), st.CreatedBy, st.Version)
	if err != nil {
		return fmt.Errorf("add notification subscription %s: %w", st.Name, err)
	}
	return nil
}

// DeleteSubscription removes a subscription and its deliveries.
func (tx *Tx) DeleteSubscription(ctx context.Context, id string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM notification_deliveries WHERE subscription_id = $1`, id); err != nil {
		return fmt.Errorf("delete notification deliveries: %w", err)
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM notification_subscriptions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete notification subscription: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return unet.Errorf(unet.ENOTFOUND, "notification subscription %q not found", id)
	}
	return nil
}

// DeliveryState is the delivery state of a subscription the outbox worker
// writes: the cursor and the retry state of the head event.
type DeliveryState struct {
	Cursor int64
	// Head is the event the retry state is about (0 with no retry state).
	Head         int64
	Attempts     int
	NextAttempt  *time.Time
	FirstFailure *time.Time
	LastError    string
	// AddDead is added to the dead-letter count.
	AddDead int
}

// SetDeliveryState writes the delivery state of the subscription id. It
// reports not_found when the subscription is gone (removed meanwhile).
func (tx *Tx) SetDeliveryState(ctx context.Context, id string, s DeliveryState) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE notification_subscriptions SET cursor_id = $2, attempts = $3, next_attempt = $4,
		first_failure = $5, last_error = $6, dead = dead + $7, head_id = $8 WHERE id = $1`,
		id, s.Cursor, s.Attempts, fmtOptTime(s.NextAttempt), fmtOptTime(s.FirstFailure), s.LastError, s.AddDead, s.Head)
	if err != nil {
		return fmt.Errorf("update notification delivery state: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return unet.Errorf(unet.ENOTFOUND, "notification subscription %q not found", id)
	}
	return nil
}

// InsertDelivery records one delivery attempt of the subscription
// subscriptionID, giving d its ID.
func (tx *Tx) InsertDelivery(ctx context.Context, subscriptionID string, d *unet.Delivery) error {
	if err := tx.q.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'notification_delivery' RETURNING value`).Scan(&d.ID); err != nil {
		return fmt.Errorf("allocate delivery id: %w", err)
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO notification_deliveries (id, subscription_id, event_id, event_type, attempt,
		time, outcome, status, reply, error, duration_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		d.ID, subscriptionID, d.EventID, d.EventType, d.Attempt, fmtTime(d.Time), d.Outcome, d.Status, d.Reply, d.Error, d.DurationMS)
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}

// ListDeliveries returns the deliveries of the subscription subscriptionID,
// newest first, of one outcome ("" all), at most limit (default
// DefaultLimit). The Subscription field is left empty.
func (r Reader) ListDeliveries(ctx context.Context, subscriptionID, outcome string, limit int) ([]unet.Delivery, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	q := `SELECT id, event_id, event_type, attempt, time, outcome, status, reply, error, duration_ms
		FROM notification_deliveries WHERE subscription_id = $1`
	args := []any{subscriptionID}
	if outcome != "" {
		q += ` AND outcome = $2`
		args = append(args, outcome)
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	out := []unet.Delivery{}
	for rows.Next() {
		var d unet.Delivery
		var t string
		if err := rows.Scan(&d.ID, &d.EventID, &d.EventType, &d.Attempt, &t, &d.Outcome, &d.Status, &d.Reply, &d.Error, &d.DurationMS); err != nil {
			return nil, fmt.Errorf("list deliveries: %w", err)
		}
		d.Time = parseTime(t)
		out = append(out, d)
	}
	return out, rows.Err()
}

// GetEvent returns the stored event id.
func (r Reader) GetEvent(ctx context.Context, id int64) (*unet.Event, error) {
	list, err := r.ListEvents(ctx, unet.EventFilter{After: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 || list[0].ID != id {
		return nil, unet.Errorf(unet.ENOTFOUND, "event %d not found (pruned?)", id)
	}
	return &list[0], nil
}
