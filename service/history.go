package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// maxHistoryCandidates bounds the objects a time-travel reference may have
// named over the change log's life.
const maxHistoryCandidates = 50

// historyPoint parses an `at` argument: an RFC 3339 time, a date (the start
// of that day, UTC) or a change ID (the state right after that change).
func historyPoint(ctx context.Context, r sqlstore.Reader, at string) (sqlstore.HistoryPoint, error) {
	at = strings.TrimSpace(at)
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		return sqlstore.HistoryPoint{Time: t.UTC()}, nil
	}
	if t, err := time.Parse(time.DateOnly, at); err == nil {
		return sqlstore.HistoryPoint{Time: t.UTC()}, nil
	}
	if len(at) == 36 {
		if _, err := uuid.Parse(at); err == nil {
			c, err := r.GetChange(ctx, strings.ToLower(at))
			if err != nil {
				return sqlstore.HistoryPoint{}, err
			}
			return sqlstore.HistoryPoint{Time: c.Time, ChangeID: c.ID}, nil
		}
	}
	return sqlstore.HistoryPoint{}, unet.Invalid("at: want an RFC 3339 time or a change ID",
		unet.FieldError{Field: "at", Message: "want an RFC 3339 time (or a date, YYYY-MM-DD) or a change ID"})
}

// historyKind describes how one inventory kind is found and judged in the
// change log.
type historyKind[T any] struct {
	kind string
	perm unet.Permission
	// current resolves ref among the current objects (its ID, or "" when
	// none matches).
	current func(ctx context.Context, r sqlstore.Reader, ref string) (string, error)
	// prefix, when set, also matches recorded names starting with
	// ref+prefix (a node's short name before its domain).
	prefix string
	// named reports whether ref names v (ID, name, FQDN, path...).
	named func(v *T, ref string) bool
	// complete fills what an image does not hold as of the point (a
	// link's endpoint names) and primes the scope evaluator (nil when
	// unscoped) with the state of the objects v refers to.
	complete func(ctx context.Context, h *history, v *T) error
	// inScope judges v.
	inScope func(e *scopeEval, v *T) bool
	// scan, when set for a ref, makes a miss look through every object of
	// the kind at the point (a link named by an endpoint's former name).
	scan func(ref string) bool
}

// history is one time-travel read: the point and the readers it needs.
type history struct {
	r     sqlstore.Reader
	p     sqlstore.HistoryPoint
	at    string
	e     *scopeEval
	nodes map[string]*unet.Node
}

// nodeAt returns the state of a node at the point (nil when it did not
// exist), remembering it for the scope evaluator.
func (h *history) nodeAt(ctx context.Context, id string) (*unet.Node, error) {
	if n, ok := h.nodes[id]; ok {
		return n, nil
	}
	var n *unet.Node
	c, err := h.r.ChangeAt(ctx, unet.KindNode, id, h.p)
	if err != nil {
		return nil, err
	}
	if c != nil && !nullImage(c.After) {
		n = &unet.Node{}
		if err := json.Unmarshal(c.After, n); err != nil {
			return nil, imageError(c, err)
		}
		if err := h.rememberLocation(ctx, n.LocationID); err != nil {
			return nil, err
		}
	}
	h.nodes[id] = n
	if n != nil && h.e != nil {
		h.e.remember(n)
	}
	return n, nil
}

// rememberLocation primes the scope evaluator with a location's state at
// the point.
func (h *history) rememberLocation(ctx context.Context, id string) error {
	if h.e == nil || id == "" {
		return nil
	}
	c, err := h.r.ChangeAt(ctx, unet.KindLocation, id, h.p)
	if err != nil || c == nil || nullImage(c.After) {
		return err
	}
	l := &unet.Location{}
	if err := json.Unmarshal(c.After, l); err != nil {
		return imageError(c, err)
	}
	h.e.remember(l)
	return nil
}

func imageError(c *unet.Change, err error) error {
	return unet.Errorf(unet.EINTERNAL, "change %s holds an unreadable %s image: %v", c.ID, c.ObjectKind, err)
}

// objectAt reconstructs the object ref names at the point at. The candidates
// are the current object ref names and every object the change log recorded
// under ref; the one that existed at the point and was then named ref wins,
// else one that existed then (found by a later or earlier name).
func objectAt[T any](ctx context.Context, s *Service, k historyKind[T], ref, at string) (*T, error) {
	r := s.db.Reader()
	p, err := historyPoint(ctx, r, at)
	if err != nil {
		return nil, err
	}
	e, err := s.readEval(ctx, k.perm)
	if err != nil {
		return nil, err
	}
	h := &history{r: r, p: p, at: strings.TrimSpace(at), e: e, nodes: map[string]*unet.Node{}}
	ids, err := candidateIDs(ctx, r, k, ref)
	if err != nil {
		return nil, err
	}
	var alive *T
	var deleted, before *unet.Change
	for _, id := range ids {
		c, err := r.ChangeAt(ctx, k.kind, id, p)
		if err != nil {
			return nil, err
		}
		if c == nil {
			// Not created yet: judge it by its first image.
			first, err := r.FirstChange(ctx, k.kind, id)
			if err != nil {
				return nil, err
			}
			if first != nil && before == nil && imageVisible(ctx, h, k, first.After) {
				before = first
			}
			continue
		}
		if nullImage(c.After) {
			if deleted == nil && imageVisible(ctx, h, k, c.Before) {
				deleted = c
			}
			continue
		}
		v := new(T)
		if err := json.Unmarshal(c.After, v); err != nil {
			return nil, imageError(c, err)
		}
		if err := k.complete(ctx, h, v); err != nil {
			return nil, err
		}
		if e != nil && !k.inScope(e, v) {
			continue
		}
		if k.named(v, ref) {
			return v, nil
		}
		if alive == nil {
			alive = v
		}
	}
	if alive == nil && k.scan != nil && k.scan(ref) {
		v, err := scanAt(ctx, h, k, ref)
		if err != nil || v != nil {
			return v, err
		}
	}
	switch {
	case alive != nil:
		return alive, nil
	case deleted != nil:
		return nil, unet.Errorf(unet.ENOTFOUND, "%s %s did not exist at %s (deleted by change %s at %s)",
			k.kind, ref, h.at, deleted.ID, deleted.Time.Format(time.RFC3339))
	case before != nil:
		return nil, unet.Errorf(unet.ENOTFOUND, "%s %s did not exist at %s", k.kind, ref, h.at)
	}
	return nil, unet.Errorf(unet.ENOTFOUND, "%s %q not found", k.kind, ref)
}

// candidateIDs lists the objects ref may name: the current one first, then
// those the change log recorded under ref.
func candidateIDs[T any](ctx context.Context, r sqlstore.Reader, k historyKind[T], ref string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	id, err := k.current(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if id != "" {
		ids, seen[id] = append(ids, id), true
	}
	logged, err := r.HistoryObjectIDs(ctx, k.kind, ref, k.prefix, maxHistoryCandidates)
	if err != nil {
		return nil, err
	}
	for _, id := range logged {
		if !seen[id] {
			ids, seen[id] = append(ids, id), true
		}
	}
	return ids, nil
}

// imageVisible reports whether an image of an object is in the reader's
// scope (always when unscoped).
func imageVisible[T any](ctx context.Context, h *history, k historyKind[T], img json.RawMessage) bool {
	if h.e == nil {
		return true
	}
	v := new(T)
	if nullImage(img) || json.Unmarshal(img, v) != nil {
		return false
	}
	if k.complete(ctx, h, v) != nil {
		return false
	}
	return k.inScope(h.e, v)
}

// scanAt looks through every object of k's kind existing at the point for
// one ref names, with the nodes (and, when scoped, the locations) of that
// point loaded in one pass first.
func scanAt[T any](ctx context.Context, h *history, k historyKind[T], ref string) (*T, error) {
	kinds := []string{unet.KindNode, k.kind}
	if h.e != nil {
		kinds = append(kinds, unet.KindLocation)
	}
	rows, err := h.r.StateAt(ctx, kinds, h.p)
	if err != nil {
		return nil, err
	}
	var objs []*unet.Change
	for _, row := range rows {
		c := &unet.Change{ID: row.ChangeID, ObjectKind: row.Kind, After: row.After}
		switch row.Kind {
		case unet.KindNode:
			n := &unet.Node{}
			if err := json.Unmarshal(row.After, n); err != nil {
				return nil, imageError(c, err)
			}
			h.nodes[n.ID] = n
			if h.e != nil {
				h.e.remember(n)
			}
		case unet.KindLocation:
			l := &unet.Location{}
			if err := json.Unmarshal(row.After, l); err != nil {
				return nil, imageError(c, err)
			}
			h.e.remember(l)
		}
		if row.Kind == k.kind {
			objs = append(objs, c)
		}
	}
	for _, c := range objs {
		v := new(T)
		if err := json.Unmarshal(c.After, v); err != nil {
			return nil, imageError(c, err)
		}
		if err := k.complete(ctx, h, v); err != nil {
			return nil, err
		}
		if k.named(v, ref) && (h.e == nil || k.inScope(h.e, v)) {
			return v, nil
		}
	}
	return nil, nil
}

// loggedObjectID returns the ID of the object of a kind the change log
// recorded under ref (ID or recorded name; a node's short name too), the
// newest one when several had it, "" when none.
func loggedObjectID(ctx context.Context, r sqlstore.Reader, kind, ref string) (string, error) {
	prefix := ""
	if kind == unet.KindNode {
		prefix = "."
	}
	ids, err := r.HistoryObjectIDs(ctx, kind, ref, prefix, maxHistoryCandidates)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[len(ids)-1], nil
}
