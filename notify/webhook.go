package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// maxRedirects bounds the redirects followed within the receiver's host.
const maxRedirects = 3

// client posts webhooks: no cookies, redirects only within the same host.
var client = &http.Client{
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
			return http.ErrUseLastResponse
		}
		return nil
	},
}

// StandardPayload is the body of a Standard Webhooks delivery.
type StandardPayload struct {
	Type      string     `json:"type"`
	Timestamp string     `json:"timestamp"`
	Data      unet.Event `json:"data"`
}

// SlackPayload is the body of a Slack incoming-webhook delivery.
type SlackPayload struct {
	Text string `json:"text"`
}

// Body returns the JSON body of e in a webhook format.
func Body(format string, e unet.Event) ([]byte, error) {
	if format == unet.FormatSlack {
		return json.Marshal(SlackPayload{Text: SlackText(e)})
	}
	return json.Marshal(StandardPayload{Type: e.Type, Timestamp: e.Time.UTC().Format(time.RFC3339), Data: e})
}

// SlackText is the message of e in Slack: the summary in bold, then the
// type, subject, actor, time and event ID (no links).
func SlackText(e unet.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*[unet] %s*\n", slackEscape(e.Summary))
	parts := []string{"`" + e.Type + "`"}
	if e.Subject != "" {
		parts = append(parts, slackEscape(e.Subject))
	}
	if e.Actor != "" {
		parts = append(parts, "by "+slackEscape(e.Actor))
	}
	parts = append(parts, e.Time.UTC().Format(time.RFC3339))
	if e.ID != 0 {
		parts = append(parts, "event "+strconv.FormatInt(e.ID, 10))
	}
	b.WriteString(strings.Join(parts, " · "))
	return b.String()
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func sendWebhook(ctx context.Context, t Target, e unet.Event) Result {
	body, err := Body(t.Format, e)
	if err != nil {
		return Result{Err: fmt.Errorf("encode: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return Result{Err: errors.New("invalid webhook URL")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "unet-notify")
	if t.Format != unet.FormatSlack {
		id, ts := MessageID(e), time.Now().Unix()
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		if len(t.Secret) > 0 {
			req.Header.Set("webhook-signature", Sign(SigningKey(t.Secret), id, ts, body))
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Result{Err: scrubURL(err, t.URL)}
	}
	// Read a little of the answer for the error message, then close.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	r := Result{Status: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := strings.TrimSpace(string(snippet))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		r.Err = fmt.Errorf("HTTP %d %s", resp.StatusCode, printable(msg))
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			r.Err = fmt.Errorf("HTTP %d: redirect to another host not followed", resp.StatusCode)
		}
	}
	return r
}

// scrubURL removes the URL (which may be a secret, as a Slack webhook's
// is) from a transport error.
func scrubURL(err error, u string) error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Op + ": " + ue.Err.Error()
	}
	if u != "" {
		msg = strings.ReplaceAll(msg, u, "the webhook URL")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer within %s", Timeout)
	}
	return errors.New(msg)
}
