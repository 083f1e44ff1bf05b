package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

const approvalRuleCols = `name, when_cond, required, role, environment, description, version, created_at, updated_at`

func scanApprovalRule(s rowScanner) (*unet.ApprovalRule, error) {
	var r unet.ApprovalRule
	var created, updated string
	if err := s.Scan(&r.Name, &r.When, &r.Require, &r.Role, &r.Environment, &r.Description, &r.Version, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return &r, nil
}

// GetApprovalRule returns one approval rule.
func (r Reader) GetApprovalRule(ctx context.Context, name string) (*unet.ApprovalRule, error) {
	rule, err := scanApprovalRule(r.q.QueryRowContext(ctx, `SELECT `+approvalRuleCols+` FROM approval_rules WHERE name = $1`, name))
	return rule, notFound(err, "approval rule", name)
}

// ListApprovalRules returns every approval rule ordered by name.
func (r Reader) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	return queryItems(ctx, r, `SELECT `+approvalRuleCols+` FROM approval_rules ORDER BY name`, nil, scanApprovalRule)
}

// InsertApprovalRule adds an approval rule.
func (tx *Tx) InsertApprovalRule(ctx context.Context, r *unet.ApprovalRule) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO approval_rules (`+approvalRuleCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		r.Name, r.When, r.Require, r.Role, r.Environment, r.Description, r.Version, fmtTime(r.CreatedAt), fmtTime(r.UpdatedAt))
	return constraintError(err, "approval rule", r.Name)
}

// DeleteApprovalRule removes an approval rule.
func (tx *Tx) DeleteApprovalRule(ctx context.Context, name string) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM approval_rules WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove approval rule %s: %w", name, err)
	}
	return oneRowOf(res, "approval rule", name)
}

// LocationEnvironments returns the distinct environments of the nodes in
// the location at path and below it.
func (r Reader) LocationEnvironments(ctx context.Context, path string) ([]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT DISTINCT environment FROM nodes WHERE location_id IN
		(SELECT id FROM locations WHERE path = $1 OR path LIKE $2 ESCAPE '\') ORDER BY environment`, path, escapeLike(path)+"/%")
	if err != nil {
		return nil, fmt.Errorf("environments of location %s: %w", path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var env string
		if err := rows.Scan(&env); err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, rows.Err()
}
