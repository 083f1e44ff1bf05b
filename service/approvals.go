package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// Approval rule limits.
const (
	maxRuleRequire     = 20
	maxRuleWhenBytes   = 4096
	maxRuleDescription = 1024
)

// ruleNameRE is what approval rule names and environments may be.
var ruleNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ListApprovalRules returns the approval rules ordered by name.
func (s *Service) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	return s.db.Reader().ListApprovalRules(ctx)
}

// AddApprovalRule validates and stores a new approval rule; the change log
// records it (kind approval_rule).
func (s *Service) AddApprovalRule(ctx context.Context, r unet.ApprovalRule, o unet.WriteOptions) (*unet.ApprovalRule, error) {
	r.Name = strings.TrimSpace(r.Name)
	r.When = strings.TrimSpace(r.When)
	r.Role = strings.TrimSpace(r.Role)
	r.Environment = strings.TrimSpace(r.Environment)
	fe := validateRuleFields(r)
	if r.Role != "" {
		if _, ok := unet.BuiltinRole(r.Role); !ok {
			if _, err := s.db.Reader().GetRole(ctx, r.Role); err != nil {
				if unet.ErrorCode(err) != unet.ENOTFOUND {
					return nil, err
				}
				fe = append(fe, unet.FieldError{Field: "role", Message: fmt.Sprintf("unknown role %q (see `unet roles list`)", r.Role)})
			}
		}
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid approval rule", fe...)
	}
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	rule := unet.ApprovalRule{Name: r.Name, When: r.When, Require: r.Require, Role: r.Role, Environment: r.Environment,
		Description: r.Description, Version: 1, CreatedAt: m.now, UpdatedAt: m.now}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.Reader().GetApprovalRule(ctx, rule.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "approval rule %s already exists (remove it first: unet approvals remove %s)", rule.Name, rule.Name)
		}
		if err := tx.InsertApprovalRule(ctx, &rule); err != nil {
			return err
		}
		if err := m.record(ctx, tx, unet.KindApprovalRule, rule.Name, rule.Name, unet.OpCreate, nil, &rule); err != nil {
			return err
		}
		return s.emergencyEvent(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return &rule, nil
}

// RemoveApprovalRule deletes an approval rule; the change log records it.
func (s *Service) RemoveApprovalRule(ctx context.Context, name string, o unet.DeleteOptions) error {
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		rule, err := tx.Reader().GetApprovalRule(ctx, name)
		if err != nil {
			return err
		}
		if err := checkVersion("approval rule", name, rule.Version, o.IfVersion); err != nil {
			return err
		}
		if err := tx.DeleteApprovalRule(ctx, name); err != nil {
			return err
		}
		if err := m.record(ctx, tx, unet.KindApprovalRule, rule.Name, rule.Name, unet.OpDelete, rule, nil); err != nil {
			return err
		}
		return s.emergencyEvent(ctx, tx, m)
	})
}

// validateRuleFields checks what a rule says on its own (the role is
// checked against the store by the caller).
func validateRuleFields(r unet.ApprovalRule) []unet.FieldError {
	var fe []unet.FieldError
	switch {
	case r.Name == "":
		fe = append(fe, unet.FieldError{Field: "name", Message: "is required"})
	case len(r.Name) > unet.MaxKeyLen || !ruleNameRE.MatchString(r.Name):
		fe = append(fe, unet.FieldError{Field: "name", Message: fmt.Sprintf("%q: use 1 to %d lowercase letters, digits, '_' and '-', starting with a letter or digit", r.Name, unet.MaxKeyLen)})
	}
	fe = append(fe, validateRuleWhen(r.When)...)
	if r.Require < 1 || r.Require > maxRuleRequire {
		fe = append(fe, unet.FieldError{Field: "require", Message: fmt.Sprintf("must be between 1 and %d, not %d", maxRuleRequire, r.Require)})
	}
	if r.Role != "" && len(r.Role) > unet.MaxKeyLen {
		fe = append(fe, unet.FieldError{Field: "role", Message: fmt.Sprintf("is longer than %d bytes", unet.MaxKeyLen)})
	}
	if r.Environment != "" && (len(r.Environment) > unet.MaxKeyLen || !ruleNameRE.MatchString(r.Environment)) {
		fe = append(fe, unet.FieldError{Field: "environment", Message: fmt.Sprintf("%q must be a lowercase name (like the environment of a node)", r.Environment)})
	}
	if len(r.Description) > maxRuleDescription {
		fe = append(fe, unet.FieldError{Field: "description", Message: fmt.Sprintf("is longer than %d bytes", maxRuleDescription)})
	}
	return fe
}

// validateRuleWhen parses a rule's condition: a selector of the policy
// language over nodes, links, locations or promotions of Git sources
// (git_source.*). Errors are positioned.
func validateRuleWhen(when string) []unet.FieldError {
	if when == "" {
		return []unet.FieldError{{Field: "when", Message: `is required: a condition of the policy language, like node.environment == "production"`}}
	}
	if len(when) > maxRuleWhenBytes {
		return []unet.FieldError{{Field: "when", Message: fmt.Sprintf("is longer than %d bytes", maxRuleWhenBytes)}}
	}
	sel, err := policy.ParseSelector(when)
	if err != nil {
		var list policy.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			fe := make([]unet.FieldError, len(list))
			for i, e := range list {
				fe[i] = unet.FieldError{Field: "when", Message: fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)}
			}
			return fe
		}
		return []unet.FieldError{{Field: "when", Message: err.Error()}}
	}
	switch sel.Kind() {
	case policy.KindNode, policy.KindLocation, policy.KindLink, policy.KindGitSource:
		return nil
	}
	return []unet.FieldError{{Field: "when", Message: fmt.Sprintf("a rule's condition is over node.*, link.*, location.* or git_source.* (promotions); this one selects %q", sel.Kind())}}
}
