// Package notify sends events to notification receivers: Standard Webhooks
// and Slack incoming webhooks over HTTP, and mail over SMTP. It sends one
// event per call and keeps no state; the outbox (what to send, retries,
// order) is the service's.
package notify

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/unet-dev/unet"
)

// Timeout bounds one delivery attempt.
const Timeout = 10 * time.Second

// Target is a resolved receiver: secrets are values here, so a Target is
// never logged or stored.
type Target struct {
	// Kind is unet.NotifyWebhook or unet.NotifyEmail.
	Kind string
	// URL and Format of a webhook.
	URL    string
	Format string
	// Secret signs Standard Webhooks deliveries (nil: unsigned).
	Secret []byte
	// SMTP of an email target, with the resolved password.
	SMTP     unet.SMTPSettings
	Password string
}

// Result is the outcome of one attempt.
type Result struct {
	// Status is the HTTP status or the SMTP reply code (0: no answer);
	// Reply is the SMTP reply text.
	Status int
	Reply  string
	// Err is nil when the receiver accepted the event.
	Err      error
	Duration time.Duration
}

// Send delivers e to t once, within Timeout.
func Send(ctx context.Context, t Target, e unet.Event) Result {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	start := time.Now()
	var r Result
	switch t.Kind {
	case unet.NotifyEmail:
		r = sendMail(ctx, t, e)
	default:
		r = sendWebhook(ctx, t, e)
	}
	r.Duration = time.Since(start)
	return r
}

// MessageID is the stable identity of an event's deliveries (the
// webhook-id header, the mail's Message-ID): the same across retries, so a
// receiver can drop duplicates.
func MessageID(e unet.Event) string {
	if e.ID == 0 {
		return "msg_unet_test_" + e.Time.UTC().Format("20060102T150405.000000000")
	}
	return "msg_unet_event_" + itoa(e.ID)
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = digits[n%10]
		n /= 10
	}
	return string(b[i:])
}

// printable makes a receiver's text safe to show: invalid UTF-8 and control
// characters (terminal escape sequences included) become '?', line breaks
// and tabs a space, so an error message is one harmless line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r == utf8.RuneError || unicode.IsControl(r) || (r >= 0x80 && r < 0xa0):
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}
