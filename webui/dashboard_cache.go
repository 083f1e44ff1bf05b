package webui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
)

// Reading every stored result and the change log's emergency batches is
// too slow to repeat on each view of the dashboard at 10,000 nodes, so
// their summaries are kept and reused while a cheap mark of what they
// depend on is unchanged: the compliance history's newest entry and
// length (any status change, new or removed result appends to it) and the
// number of nodes (whose removal takes their results along),
// or the event log's newest ID (every change-set transition, write and
// emergency review commits an event). A summary is also recomputed once
// it is older than dashMaxAge, which bounds how long a change that moves
// no mark (a rule's severity edited, a node renamed) goes unseen.
const dashMaxAge = time.Minute

// dashCacheSize bounds the kept summaries (one per section and scope).
const dashCacheSize = 256

// dashCache keeps summaries by section and the caller's scope.
type dashCache struct {
	mu      sync.Mutex
	entries map[string]dashEntry
}

type dashEntry struct {
	mark string
	at   time.Time
	val  any
}

// get returns the value kept under key when it has mark and is fresh.
func (c *dashCache) get(key, mark string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.mark != mark || time.Since(e.at) > dashMaxAge {
		return nil, false
	}
	return e.val, true
}

// put keeps v under key with mark.
func (c *dashCache) put(key, mark string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= dashCacheSize {
		c.entries = map[string]dashEntry{}
	}
	c.entries[key] = dashEntry{mark: mark, at: time.Now(), val: v}
}

// scopeKey names what the caller may see of scoped data: "" for every
// caller without a scoped grant (they all see everything), else the
// caller and their grants.
func scopeKey(ctx context.Context) string {
	p := principal(ctx)
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, g := range p.Grants {
		if strings.TrimSpace(g.Scope) != "" {
			fmt.Fprintf(&b, "%q", p.User)
			for _, g := range p.Grants {
				fmt.Fprintf(&b, " %q=%q", g.Role, g.Scope)
			}
			break
		}
	}
	return b.String()
}

// cached returns the section's value for the caller: kept when mark is
// unchanged, else computed and kept. An empty mark (none could be read)
// computes without keeping.
func cached[T any](u *UI, ctx context.Context, section, mark string, compute func() (T, error)) (T, error) {
	key := section + "\x00" + scopeKey(ctx)
	if mark != "" {
		if v, ok := u.dash.get(key, mark); ok {
			return v.(T), nil
		}
	}
	v, err := compute()
	if err == nil && mark != "" {
		u.dash.put(key, mark, v)
	}
	return v, err
}

// complianceMark is the newest compliance history entry, the history's
// length and the number of nodes.
func (u *UI) complianceMark(ctx context.Context) (string, error) {
	h, err := u.svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		return "", err
	}
	ns, err := u.svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		return "", err
	}
	mark := strconv.Itoa(ns.Total) + "/" + strconv.Itoa(h.Total)
	if len(h.Items) > 0 {
		mark += "/" + h.Items[0].ID
	}
	return mark, nil
}

// eventMark is the newest event's ID, "" when the caller may not read the
// event log (the section is then computed each time).
func (u *UI) eventMark(ctx context.Context) string {
	if !can(ctx, unet.PermEventsRead) {
		return ""
	}
	id, err := u.svc.LastEventID(ctx)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
