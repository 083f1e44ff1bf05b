package unet

import (
	"context"
	"slices"
	"time"
)

// User is a person or an automation account known to μNet. Its password
// hash never leaves the storage layer.
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Disabled  bool      `json:"disabled"`
	Grants    []Grant   `json:"grants"`
	HasPass   bool      `json:"has_password"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Grant gives a user a role, optionally limited to a scope: a condition in
// the policy language over the objects the role's permissions reach (nodes,
// locations, links). Scoped reads see only objects in scope; scoped writes
// are refused when the object is outside it before or after the change.
// docs/security.md ("Scopes") gives the rules.
type Grant struct {
	Role  string `json:"role"`
	Scope string `json:"scope,omitempty"`
}

// NewUser is what creating a user takes. Password is write-only ("" creates
// a user that can only use API tokens).
type NewUser struct {
	Name     string   `json:"name"`
	Email    string   `json:"email,omitempty"`
	Password string   `json:"password,omitempty"`
	Roles    []string `json:"roles,omitempty"`
}

// Role is a named set of permissions. Built-in roles are defined in code
// (BuiltinRoles); custom ones are stored.
type Role struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Permissions []Permission `json:"permissions"`
	BuiltIn     bool         `json:"built_in"`
	CreatedAt   time.Time    `json:"created_at,omitzero"`
}

// APIToken is the metadata of an API token; the secret is shown once, at
// creation (NewAPIToken), and only its HMAC digest is stored.
type APIToken struct {
	ID          string     `json:"id"`
	User        string     `json:"user"`
	Description string     `json:"description,omitempty"`
	ReadOnly    bool       `json:"read_only"`
	AllowIPs    []string   `json:"allow_ips,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	LastUsed    *time.Time `json:"last_used,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// TokenRequest asks for a new API token.
type TokenRequest struct {
	User        string     `json:"user"`
	Description string     `json:"description,omitempty"`
	ReadOnly    bool       `json:"read_only,omitempty"`
	AllowIPs    []string   `json:"allow_ips,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// NewAPIToken is a token just created: its metadata and, this once, the
// token itself (unet_<id>_<secret>).
type NewAPIToken struct {
	APIToken
	Token string `json:"token"`
}

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeError  = "error"
)

// AuditEntry is one record of the append-only audit log: who did (or was
// refused) what, how they authenticated, and how it ended. It never holds a
// token, a password or a secret value.
type AuditEntry struct {
	ID         string     `json:"id"`
	Time       time.Time  `json:"time"`
	Actor      string     `json:"actor"`
	AuthMethod string     `json:"auth_method"`
	Permission Permission `json:"permission"`
	Method     string     `json:"method"`
	Route      string     `json:"route"`
	Object     string     `json:"object,omitempty"`
	Outcome    string     `json:"outcome"`
	Status     int        `json:"status"`
	SourceIP   string     `json:"source_ip,omitempty"`
	RequestID  string     `json:"request_id,omitempty"`
	Detail     string     `json:"detail,omitempty"`
}

// AuditFilter selects audit entries (newest first).
type AuditFilter struct {
	Actor   string
	Outcome string
	Since   time.Time
	// Until keeps the entries before this time (zero: no bound).
	Until time.Time
	// Permission keeps the entries of one action, named by the permission
	// it needed ("nodes:write").
	Permission Permission
	Page
}

// IdentityService manages users, roles, grants and API tokens, and reads the
// audit log. Through the API it needs the users, roles, tokens and audit
// permissions; in local mode (a database) it is the trusted administrative
// path that creates the first admin.
type IdentityService interface {
	CreateUser(ctx context.Context, u NewUser) (*User, error)
	GetUser(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context) ([]User, error)
	// SetUserDisabled disables (or enables) a user: a disabled user's
	// tokens stop working at once.
	SetUserDisabled(ctx context.Context, name string, disabled bool) (*User, error)
	RemoveUser(ctx context.Context, name string) error
	SetPassword(ctx context.Context, name, password string) error
	GrantRole(ctx context.Context, user string, g Grant) (*User, error)
	RevokeRole(ctx context.Context, user, role string) (*User, error)

	CreateRole(ctx context.Context, r Role) (*Role, error)
	GetRole(ctx context.Context, name string) (*Role, error)
	ListRoles(ctx context.Context) ([]Role, error)
	RemoveRole(ctx context.Context, name string) error

	CreateToken(ctx context.Context, req TokenRequest) (*NewAPIToken, error)
	// ListTokens lists the tokens of user ("": every user's).
	ListTokens(ctx context.Context, user string) ([]APIToken, error)
	RevokeToken(ctx context.Context, id string) error

	ListAudit(ctx context.Context, f AuditFilter) (*List[AuditEntry], error)
}

// Authentication methods recorded in the audit log.
const (
	AuthMethodNone  = "none"
	AuthMethodToken = "token"
	AuthMethodLocal = "local"
	// AuthMethodOIDC is an OpenID Connect bearer token; the audit log
	// records it as oidc:<subject>.
	AuthMethodOIDC = "oidc"
)

// Principal is an authenticated identity: who, how, and what they may do.
type Principal struct {
	User string `json:"user"`
	// Method is how the identity was established (AuthMethodToken, …).
	Method string `json:"method"`
	// TokenID is the API token used, if any.
	TokenID string `json:"token_id,omitempty"`
	// Subject is the identity provider's stable identifier of the caller
	// (the OIDC "sub" claim), if any.
	Subject string `json:"subject,omitempty"`
	// ReadOnly limits the identity to read permissions (a read-only token).
	ReadOnly bool    `json:"read_only,omitempty"`
	Grants   []Grant `json:"grants,omitempty"`
	// Permissions is the union of the granted roles' permissions.
	Permissions []Permission `json:"permissions"`
}

// Can reports whether the principal holds perm (and, with a read-only
// token, whether perm only reads).
func (p *Principal) Can(perm Permission) bool {
	if p == nil {
		return false
	}
	if p.ReadOnly && !perm.ReadOnly() {
		return false
	}
	return slices.Contains(p.Permissions, perm)
}

type principalKey struct{}

// WithPrincipal returns a context carrying the authenticated principal.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx, or nil when the caller is the
// trusted local path (a command on the database, or auth mode none).
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
