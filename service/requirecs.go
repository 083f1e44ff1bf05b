package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// reviewState holds the change-review settings of a service: the
// environments where direct writes are refused and the compiled
// conditions of approval rules.
type reviewState struct {
	mu sync.Mutex
	// requireCS is nil when direct writes are allowed everywhere; an empty
	// list covers every environment.
	requireCS []string
	sels      map[string]*policy.Selector
}

// errDirectWriteRefused is wrapped by every refusal of errDirectWrite.
var errDirectWriteRefused = errors.New("direct write refused")

// errDirectWrite is the refusal of a direct write under
// `serve --require-change-sets`.
func errDirectWrite(env string) error {
	where := "every environment"
	if env != "" {
		where = env
	}
	return &unet.Error{Code: unet.ECONFLICT, Err: errDirectWriteRefused,
		Message: "direct writes to " + where + " are refused (serve --require-change-sets): propose a change set with --propose, or use --emergency --reason"}
}

// SetRequireChangeSets refuses direct writes (not through a change set and
// not an emergency) to the objects of envs: nil turns the rule off, an
// empty non-nil list covers every environment.
func (s *Service) SetRequireChangeSets(envs []string) {
	s.review.mu.Lock()
	defer s.review.mu.Unlock()
	if envs == nil {
		s.review.requireCS = nil
		return
	}
	out := []string{}
	for _, e := range envs {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	s.review.requireCS = out
}

// RequireChangeSets returns the setting of SetRequireChangeSets: nil when
// off, an empty list for every environment.
func (s *Service) RequireChangeSets() []string {
	s.review.mu.Lock()
	defer s.review.mu.Unlock()
	return slices.Clone(s.review.requireCS)
}

// covered reports whether direct writes to env are refused, and whether
// every environment is covered.
func (s *Service) requireCSSetting() (envs []string, on, all bool) {
	s.review.mu.Lock()
	defer s.review.mu.Unlock()
	if s.review.requireCS == nil {
		return nil, false, false
	}
	return s.review.requireCS, true, len(s.review.requireCS) == 0
}

// checkDirectWrite vets a direct write of one object against
// `serve --require-change-sets`: a node in a covered environment (before
// or after the write), a link with an endpoint node there, a location that
// holds such nodes (any location when every environment is covered) and,
// when every environment is covered, a vendor.
func (s *Service) checkDirectWrite(ctx context.Context, tx *sqlstore.Tx, kind string, before, after any) error {
	envs, on, all := s.requireCSSetting()
	if !on {
		return nil
	}
	covered := func(env string) bool { return all || slices.Contains(envs, env) }
	r := tx.Reader()
	switch kind {
	case unet.KindNode:
		for _, v := range []any{before, after} {
			if n, ok := v.(*unet.Node); ok && n != nil && covered(n.Environment) {
				return errDirectWrite(n.Environment)
			}
		}
	case unet.KindLink:
		for _, v := range []any{before, after} {
			l, ok := v.(*unet.Link)
			if !ok || l == nil {
				continue
			}
			for _, id := range []string{l.ANodeID, l.ZNodeID} {
				if id == "" {
					continue
				}
				n, err := r.GetNode(ctx, id)
				if err != nil {
					if unet.ErrorCode(err) == unet.ENOTFOUND {
						continue
					}
					return err
				}
				if covered(n.Environment) {
					return errDirectWrite(n.Environment)
				}
			}
		}
	case unet.KindLocation:
		if all {
			return errDirectWrite("")
		}
		for _, v := range []any{before, after} {
			l, ok := v.(*unet.Location)
			if !ok || l == nil {
				continue
			}
			held, err := r.LocationEnvironments(ctx, l.Path)
			if err != nil {
				return err
			}
			for _, env := range held {
				if covered(env) {
					return errDirectWrite(env)
				}
			}
		}
	case unet.KindVendor:
		if all {
			return errDirectWrite("")
		}
	}
	return nil
}
