package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/notify"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/sqlstore"
)

var _ unet.NotificationService = (*Service)(nil)

// subscriptionName is what a subscription may be called.
var subscriptionName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// maxRecipients bounds the recipients of one email subscription.
const maxRecipients = 50

// Bounds of a subscription's event type patterns: a few name what a
// receiver wants (there are few event types), and every event the worker
// reads is matched against all of them.
const (
	maxEventPatterns   = 64
	maxEventPatternLen = 128
)

// isInlineURL reports whether a webhook URL is given inline (http or
// https) rather than as a secret reference.
func isInlineURL(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// checkSubscription validates s, filling in its kind and default format.
// Secret references are checked against the allow-list of webhook secrets
// (the Git use).
func (s *Service) checkSubscription(sub *unet.Subscription) error {
	var fe []unet.FieldError
	add := func(field, format string, args ...any) {
		fe = append(fe, unet.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !subscriptionName.MatchString(sub.Name) {
		add("name", "use 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit")
	}
	kind := unet.NotifyWebhook
	if sub.SMTP != nil {
		kind = unet.NotifyEmail
	}
	switch sub.Kind {
	case "":
		sub.Kind = kind
	case unet.NotifyWebhook, unet.NotifyEmail:
		if sub.Kind != kind {
			if kind == unet.NotifyEmail {
				add("kind", "is webhook but SMTP settings are given (an email subscription has kind email)")
			} else {
				add("smtp", "is required for kind email (server, from, to)")
			}
		}
	default:
		add("kind", "%q is not a kind; use webhook or email", sub.Kind)
	}
	refs := map[string]string{}
	switch kind {
	case unet.NotifyWebhook:
		switch {
		case sub.URL == "":
			add("url", "is required: an http(s) URL or a secret reference (env:NAME, db:NAME, file:PATH) holding one")
		case isInlineURL(sub.URL):
			if msg := checkWebhookURL(sub.URL); msg != "" {
				add("url", "%s", msg)
			}
		default:
			refs["url"] = sub.URL
		}
		if sub.Format == "" {
			sub.Format = unet.FormatStandard
		}
		switch sub.Format {
		case unet.FormatStandard:
		case unet.FormatSlack:
			if sub.SecretRef != "" {
				add("secret_ref", "slack deliveries are not signed (Slack authenticates by the secret URL); leave it out")
			}
		default:
			add("format", "%q is not a format; use standard or slack", sub.Format)
		}
		refs["secret_ref"] = sub.SecretRef
	case unet.NotifyEmail:
		if sub.URL != "" {
			add("url", "is for webhooks; an email subscription has smtp settings")
		}
		if sub.Format != "" {
			add("format", "is for webhooks")
		}
		if sub.SecretRef != "" {
			add("secret_ref", "is for webhooks; give the SMTP password as smtp.password_ref")
		}
		m := sub.SMTP
		if _, _, _, err := notify.ParseSMTPServer(m.Server); err != nil {
			add("smtp.server", "%v", err)
		}
		if a, err := mail.ParseAddress(m.From); err != nil || a.Name != "" {
			add("smtp.from", "%q is not an address such as unet@example.com", m.From)
		}
		if len(m.To) == 0 {
			add("smtp.to", "name at least one recipient")
		}
		if len(m.To) > maxRecipients {
			add("smtp.to", "at most %d recipients", maxRecipients)
		}
		for i, to := range m.To {
			if a, err := mail.ParseAddress(to); err != nil || a.Name != "" || strings.Contains(to, ",") {
				add(fmt.Sprintf("smtp.to[%d]", i), "%q is not an address such as ops@example.com", to)
			}
		}
		if m.PasswordRef != "" && m.Username == "" {
			add("smtp.username", "is required with a password")
		}
		if strings.ContainsAny(m.Username, "\r\n") {
			add("smtp.username", "must be one line")
		}
		if m.CAFile != "" && (!filepath.IsAbs(m.CAFile) || filepath.Clean(m.CAFile) != m.CAFile) {
			add("smtp.ca_file", "must be an absolute, clean path on the server")
		}
		refs["smtp.password_ref"] = m.PasswordRef
	}
	fe = append(fe, s.checkRefs(secret.UseGit, []string{"url", "secret_ref", "smtp.password_ref"}, refs)...)
	if len(sub.Events) == 0 {
		add("events", "name at least one event type pattern (e.g. change.applied,git.*; * for all)")
	}
	if len(sub.Events) > maxEventPatterns {
		add("events", "at most %d patterns (%d given); a glob such as git.* names several types", maxEventPatterns, len(sub.Events))
		sub.Events = sub.Events[:0]
	}
	for i, p := range sub.Events {
		if len(p) > maxEventPatternLen {
			add(fmt.Sprintf("events[%d]", i), "is longer than %d bytes", maxEventPatternLen)
			continue
		}
		if msg := checkEventPattern(p); msg != "" {
			add(fmt.Sprintf("events[%d]", i), "%s", msg)
		}
	}
	if len(fe) > 0 {
		return unet.Invalid("invalid notification subscription "+sub.Name, fe...)
	}
	return nil
}

// checkWebhookURL returns what is wrong with an inline webhook URL ("" when
// nothing is). The messages never repeat the URL, which may carry a token.
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "is not an http(s) URL with a host"
	}
	if u.Fragment != "" {
		return "must not have a fragment (#...)"
	}
	return ""
}

// checkEventPattern returns what is wrong with an event type pattern.
func checkEventPattern(p string) string {
	if p == "" || strings.ContainsAny(p, ", \t") {
		return fmt.Sprintf("%q is not a pattern: one type or glob per element, such as git.*", p)
	}
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Sprintf("%q: %v", p, err)
	}
	for _, t := range unet.EventTypes() {
		if unet.EventTypeMatches([]string{p}, t) {
			return ""
		}
		if prefix, ok := strings.CutSuffix(t, "*"); ok && strings.HasPrefix(p, prefix) {
			return ""
		}
	}
	return fmt.Sprintf("%q matches no event type (known: %s)", p, strings.Join(unet.EventTypes(), ", "))
}

// redactURL hides what may be secret in an inline URL: its userinfo and
// query. A secret reference is shown as it is.
func redactURL(raw string) string {
	if !isInlineURL(raw) {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	hideUser := u.User != nil
	u.User = nil
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "***", false
	}
	s := u.String()
	if hideUser {
		// Written by hand: url.User would escape the stars (%2A).
		s = strings.Replace(s, "://", "://***@", 1)
	}
	return s
}

// publicSubscription is the subscription as lists and answers show it.
func publicSubscription(st *sqlstore.StoredSubscription) unet.Subscription {
	sub := st.Subscription
	sub.URL = redactURL(sub.URL)
	return sub
}

// AddSubscription creates a notification subscription starting at the
// current last event, recorded in the change log.
func (s *Service) AddSubscription(ctx context.Context, sub unet.Subscription, o unet.WriteOptions) (*unet.Subscription, error) {
	sub.Cursor, sub.Attempts, sub.FirstFailure, sub.NextAttempt, sub.LastError, sub.Dead = 0, 0, nil, nil, "", 0
	if sub.SMTP != nil {
		m := *sub.SMTP
		m.To = append([]string(nil), m.To...)
		sub.SMTP = &m
	}
	if err := s.checkSubscription(&sub); err != nil {
		return nil, err
	}
	if err := s.checkSubscriptionScope(ctx, sub.Name); err != nil {
		return nil, err
	}
	m := s.mutation(ctx, o.Reason)
	st := &sqlstore.StoredSubscription{ID: newID(), Subscription: sub}
	st.CreatedAt, st.CreatedBy, st.Version = m.now, m.actor, 1
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		last, err := tx.Reader().LastEventID(ctx)
		if err != nil {
			return err
		}
		st.Cursor = last
		if err := tx.InsertSubscription(ctx, st); err != nil {
			return err
		}
		pub := publicSubscription(st)
		return m.record(ctx, tx, unet.KindNotification, st.Name, st.Name, unet.OpCreate, nil, &pub)
	})
	if err != nil {
		return nil, err
	}
	pub := publicSubscription(st)
	return &pub, nil
}

// checkSubscriptionScope refuses a writer whose notifications:write grants
// are all scoped: a subscription is sent events of every scope.
func (s *Service) checkSubscriptionScope(ctx context.Context, name string) error {
	sc, err := s.scopeOf(ctx, unet.PermNotificationsWrite)
	if err != nil || sc == nil {
		return err
	}
	return globalWrite(sc, "notification subscription", name)
}

// ListSubscriptions returns every subscription by name, URLs redacted.
func (s *Service) ListSubscriptions(ctx context.Context) ([]unet.Subscription, error) {
	list, err := s.db.Reader().ListSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]unet.Subscription, len(list))
	for i := range list {
		out[i] = publicSubscription(&list[i])
	}
	return out, nil
}

// GetSubscription returns one subscription, its URL redacted.
func (s *Service) GetSubscription(ctx context.Context, name string) (*unet.Subscription, error) {
	st, err := s.db.Reader().GetSubscription(ctx, name)
	if err != nil {
		return nil, err
	}
	pub := publicSubscription(st)
	return &pub, nil
}

// RemoveSubscription deletes a subscription and its delivery records; the
// events it had not delivered are not sent.
func (s *Service) RemoveSubscription(ctx context.Context, name string, o unet.DeleteOptions) error {
	if err := s.checkSubscriptionScope(ctx, name); err != nil {
		return err
	}
	m := s.mutation(ctx, o.Reason)
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		st, err := tx.Reader().GetSubscription(ctx, name)
		if err != nil {
			return err
		}
		if err := checkVersion("notification subscription", name, st.Version, o.IfVersion); err != nil {
			return err
		}
		if err := tx.DeleteSubscription(ctx, st.ID); err != nil {
			return err
		}
		pub := publicSubscription(st)
		return m.record(ctx, tx, unet.KindNotification, st.Name, st.Name, unet.OpDelete, &pub, nil)
	})
	if err == nil {
		metrics.ForgetNotification(name)
	}
	return err
}

// ListDeliveries returns a subscription's delivery attempts, newest first.
func (s *Service) ListDeliveries(ctx context.Context, name string, f unet.DeliveryFilter) ([]unet.Delivery, error) {
	switch f.Outcome {
	case "", unet.DeliveryDelivered, unet.DeliveryFailed, unet.DeliveryDead, unet.DeliveryTest:
	default:
		return nil, unet.Invalid("invalid delivery filter", unet.FieldError{Field: "outcome",
			Message: fmt.Sprintf("%q is not an outcome; use delivered, failed, dead or test", f.Outcome)})
	}
	if f.Limit < 0 || f.Limit > 1000 {
		return nil, unet.Invalid("invalid delivery filter", unet.FieldError{Field: "limit", Message: "must be between 1 and 1000"})
	}
	r := s.db.Reader()
	st, err := r.GetSubscription(ctx, name)
	if err != nil {
		return nil, err
	}
	list, err := r.ListDeliveries(ctx, st.ID, f.Outcome, f.Limit)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Subscription = st.Name
	}
	return list, nil
}

// TestSubscription sends a notify.test event to the subscription now and
// records the attempt (outcome test).
func (s *Service) TestSubscription(ctx context.Context, name string) (*unet.Delivery, error) {
	st, err := s.db.Reader().GetSubscription(ctx, name)
	if err != nil {
		return nil, err
	}
	actor := unet.ActorFrom(ctx)
	data, _ := json.Marshal(map[string]string{"subscription": st.Name})
	e := unet.Event{Type: unet.EventNotifyTest, Time: s.now(), Actor: actor, Subject: unet.KindNotification + "/" + st.Name,
		Summary: fmt.Sprintf("Test notification to %s from %s", st.Name, actor), Data: data}
	d := s.sendOnce(ctx, st, e, 1)
	d.Outcome = unet.DeliveryTest
	if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.InsertDelivery(ctx, st.ID, &d) }); err != nil {
		return nil, err
	}
	metrics.ObserveNotification(st.Name, unet.DeliveryTest)
	return &d, nil
}

// Redeliver sends a dead-lettered event to the subscription again, now.
func (s *Service) Redeliver(ctx context.Context, name string, eventID int64) (*unet.Delivery, error) {
	r := s.db.Reader()
	st, err := r.GetSubscription(ctx, name)
	if err != nil {
		return nil, err
	}
	var dead *unet.Delivery
	// Dead letters are few: the newest thousand are enough to look in.
	list, err := r.ListDeliveries(ctx, st.ID, unet.DeliveryDead, 1000)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].EventID == eventID {
			dead = &list[i]
			break
		}
	}
	if dead == nil {
		return nil, unet.Invalid("not a dead letter", unet.FieldError{Field: "event_id",
			Message: fmt.Sprintf("event %d is not a dead letter of %s (notify deliveries %s --dead)", eventID, name, name)})
	}
	e, err := r.GetEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	d := s.sendOnce(ctx, st, *e, dead.Attempt+1)
	if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.InsertDelivery(ctx, st.ID, &d) }); err != nil {
		return nil, err
	}
	metrics.ObserveNotification(st.Name, d.Outcome)
	return &d, nil
}

// target resolves the secrets of a subscription into a notify.Target.
func (s *Service) target(ctx context.Context, st *sqlstore.StoredSubscription) (notify.Target, error) {
	t := notify.Target{Kind: st.Kind, URL: st.URL, Format: st.Format}
	res := s.Secrets(secret.UseGit)
	resolve := func(field, ref string) (string, error) {
		if ref == "" {
			return "", nil
		}
		if res == nil {
			return "", fmt.Errorf("%s: no secret resolver", field)
		}
		v, err := res.Resolve(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("%s %s: %w", field, ref, err)
		}
		return v.Reveal(), nil
	}
	if st.Kind == unet.NotifyWebhook && !isInlineURL(st.URL) {
		u, err := resolve("url", st.URL)
		if err != nil {
			return t, err
		}
		if msg := checkWebhookURL(u); msg != "" {
			return t, fmt.Errorf("url %s: the referenced value %s", st.URL, msg)
		}
		t.URL = u
	}
	key, err := resolve("secret_ref", st.SecretRef)
	if err != nil {
		return t, err
	}
	if key != "" {
		t.Secret = []byte(key)
	}
	if st.SMTP != nil {
		t.SMTP = *st.SMTP
		if t.Password, err = resolve("smtp.password_ref", st.SMTP.PasswordRef); err != nil {
			return t, err
		}
	}
	return t, nil
}

// sendOnce resolves the subscription's target and sends e once; the
// delivery it returns is delivered or failed.
func (s *Service) sendOnce(ctx context.Context, st *sqlstore.StoredSubscription, e unet.Event, attempt int) unet.Delivery {
	d := unet.Delivery{Subscription: st.Name, EventID: e.ID, EventType: e.Type, Attempt: attempt, Time: s.now(),
		Outcome: unet.DeliveryDelivered}
	t, err := s.target(ctx, st)
	if err != nil {
		d.Outcome, d.Error = unet.DeliveryFailed, err.Error()
		return d
	}
	r := notify.Send(ctx, t, e)
	d.Status, d.Reply, d.DurationMS = r.Status, r.Reply, r.Duration.Milliseconds()
	if r.Err != nil {
		d.Outcome, d.Error = unet.DeliveryFailed, truncate(r.Err.Error(), 500)
	}
	return d
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
