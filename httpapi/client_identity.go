package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/unet-dev/unet"
)

var _ unet.IdentityService = (*Client)(nil)

func userPath(name string) string { return BasePath + "/users/" + url.PathEscape(name) }

// CreateUser adds a user on the server (the password travels once, in the
// request body).
func (c *Client) CreateUser(ctx context.Context, u unet.NewUser) (*unet.User, error) {
	return fetch[unet.User](ctx, c, call{method: http.MethodPost, path: BasePath + "/users", body: u})
}

// GetUser fetches a user.
func (c *Client) GetUser(ctx context.Context, name string) (*unet.User, error) {
	return fetch[unet.User](ctx, c, call{method: http.MethodGet, path: userPath(name)})
}

// ListUsers lists the server's users.
func (c *Client) ListUsers(ctx context.Context) ([]unet.User, error) {
	l, err := fetch[unet.List[unet.User]](ctx, c, call{method: http.MethodGet, path: BasePath + "/users"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// SetUserDisabled disables or enables a user.
func (c *Client) SetUserDisabled(ctx context.Context, name string, disabled bool) (*unet.User, error) {
	op := "/enable"
	if disabled {
		op = "/disable"
	}
	return fetch[unet.User](ctx, c, call{method: http.MethodPost, path: userPath(name) + op})
}

// RemoveUser removes a user.
func (c *Client) RemoveUser(ctx context.Context, name string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: userPath(name)})
}

// SetPassword replaces a user's password.
func (c *Client) SetPassword(ctx context.Context, name, password string) error {
	return c.do(ctx, call{method: http.MethodPost, path: userPath(name) + "/password", body: PasswordRequest{Password: password}})
}

// GrantRole grants a role to a user.
func (c *Client) GrantRole(ctx context.Context, user string, g unet.Grant) (*unet.User, error) {
	return fetch[unet.User](ctx, c, call{method: http.MethodPost, path: userPath(user) + "/grants", body: g})
}

// RevokeRole revokes a role from a user.
func (c *Client) RevokeRole(ctx context.Context, user, role string) (*unet.User, error) {
	return fetch[unet.User](ctx, c, call{method: http.MethodDelete, path: userPath(user) + "/grants/" + url.PathEscape(role)})
}

// CreateRole adds a custom role.
func (c *Client) CreateRole(ctx context.Context, r unet.Role) (*unet.Role, error) {
	return fetch[unet.Role](ctx, c, call{method: http.MethodPost, path: BasePath + "/roles", body: r})
}

// GetRole fetches a role.
func (c *Client) GetRole(ctx context.Context, name string) (*unet.Role, error) {
	return fetch[unet.Role](ctx, c, call{method: http.MethodGet, path: BasePath + "/roles/" + url.PathEscape(name)})
}

// ListRoles lists the roles.
func (c *Client) ListRoles(ctx context.Context) ([]unet.Role, error) {
	l, err := fetch[unet.List[unet.Role]](ctx, c, call{method: http.MethodGet, path: BasePath + "/roles"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// RemoveRole removes a custom role.
func (c *Client) RemoveRole(ctx context.Context, name string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: BasePath + "/roles/" + url.PathEscape(name)})
}

// CreateToken creates an API token on the server.
func (c *Client) CreateToken(ctx context.Context, req unet.TokenRequest) (*unet.NewAPIToken, error) {
	return fetch[unet.NewAPIToken](ctx, c, call{method: http.MethodPost, path: BasePath + "/tokens", body: req})
}

// ListTokens lists API tokens.
func (c *Client) ListTokens(ctx context.Context, user string) ([]unet.APIToken, error) {
	q := url.Values{}
	setIf(q, "user", user)
	l, err := fetch[unet.List[unet.APIToken]](ctx, c, call{method: http.MethodGet, path: BasePath + "/tokens", query: q})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// RevokeToken revokes an API token.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: BasePath + "/tokens/" + url.PathEscape(id)})
}

// ListAudit reads the audit log.
func (c *Client) ListAudit(ctx context.Context, f unet.AuditFilter) (*unet.List[unet.AuditEntry], error) {
	q := url.Values{}
	setIf(q, "actor", f.Actor)
	setIf(q, "outcome", f.Outcome)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	return fetch[unet.List[unet.AuditEntry]](ctx, c, call{method: http.MethodGet, path: BasePath + "/audit", query: pageQuery(q, f.Page)})
}
