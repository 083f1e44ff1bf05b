package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
)

// scope is the part of the inventory one permission reaches for a
// principal whose every grant of that permission is scoped: the union of
// the grants' selectors. A nil *scope reaches everything.
type scope struct {
	perm unet.Permission
	// texts are the scopes as granted (for messages); sels are the parsed
	// selectors, nil where a stored scope no longer parses (it then
	// matches nothing: a broken scope fails closed).
	texts []string
	sels  []*policy.Selector
}

// String names the scope in messages: each grant's selector, quoted.
func (sc *scope) String() string {
	q := make([]string, len(sc.texts))
	for i, t := range sc.texts {
		q[i] = strconv.Quote(t)
	}
	return strings.Join(q, " or ")
}

// match reports whether any of the scope's selectors matches in.
func (sc *scope) match(in policy.Input) bool {
	for _, sel := range sc.sels {
		if sel == nil {
			continue
		}
		if ok, _ := sel.Match(in); ok {
			return true
		}
	}
	return false
}

// hasKind reports whether one of the selectors targets kind.
func (sc *scope) hasKind(kind policy.ObjectKind) bool {
	return slices.ContainsFunc(sc.sels, func(s *policy.Selector) bool { return s != nil && s.Kind() == kind })
}

// scopeOf returns the scope of perm for the principal of ctx: nil when
// the caller is the trusted local path (no principal), when one of the
// grants giving perm is unscoped, or when no grant gives it (the
// principal's permissions then come from elsewhere, as in auth mode none,
// and no grant restricts them). Otherwise it is the union of the scoped
// grants' selectors.
func (s *Service) scopeOf(ctx context.Context, perm unet.Permission) (*scope, error) {
	p := unet.PrincipalFrom(ctx)
	if p == nil || !slices.ContainsFunc(p.Grants, func(g unet.Grant) bool { return strings.TrimSpace(g.Scope) != "" }) {
		return nil, nil // no scoped grant: nothing to look up
	}
	sc := &scope{perm: perm}
	for _, g := range p.Grants {
		r, err := s.GetRole(ctx, g.Role)
		if err != nil {
			if unet.ErrorCode(err) == unet.ENOTFOUND {
				continue
			}
			return nil, fmt.Errorf("scope of %s: %w", perm, err)
		}
		if !slices.Contains(r.Permissions, perm) {
			continue
		}
		if strings.TrimSpace(g.Scope) == "" {
			return nil, nil
		}
		sel, err := policy.ParseSelector(g.Scope)
		if err != nil {
			sel = nil
		}
		sc.texts = append(sc.texts, g.Scope)
		sc.sels = append(sc.sels, sel)
	}
	if len(sc.texts) == 0 {
		return nil, nil
	}
	return sc, nil
}

// validateScope checks a grant's scope: a condition of the policy language
// over nodes, locations or links. Errors are positioned field errors.
func validateScope(text string) error {
	if text == "" {
		return nil
	}
	if len(text) > 4096 {
		return unet.Invalid("invalid grant", unet.FieldError{Field: "scope", Message: "is longer than 4096 bytes"})
	}
	sel, err := policy.ParseSelector(text)
	if err != nil {
		var list policy.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			fe := make([]unet.FieldError, len(list))
			for i, e := range list {
				fe[i] = unet.FieldError{Field: "scope", Message: fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)}
			}
			return unet.Invalid("invalid grant scope", fe...)
		}
		return unet.Invalid("invalid grant scope", unet.FieldError{Field: "scope", Message: err.Error()})
	}
	switch sel.Kind() {
	case policy.KindNode, policy.KindLocation, policy.KindLink:
		return nil
	}
	return unet.Invalid("invalid grant scope", unet.FieldError{Field: "scope",
		Message: fmt.Sprintf("a scope selects nodes, locations or links; this one selects %q", sel.Kind())})
}

// outOfScope is the 403 of a write whose object is outside the writer's
// scope, before or after the change.
func outOfScope(sc *scope, kind, name, when string) error {
	return unet.Errorf(unet.EFORBIDDEN, "%s %s is outside the scope of your %s grant (%s) %s the change",
		kind, name, sc.perm, sc.String(), when)
}

// globalWrite is the 403 of a scoped write to a global object (a vendor).
func globalWrite(sc *scope, kind, name string) error {
	return unet.Errorf(unet.EFORBIDDEN, "%s %s is global: writing it needs an unscoped %s grant (yours is limited to %s)",
		kind, name, sc.perm, sc.String())
}
