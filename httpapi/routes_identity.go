package httpapi

import (
	"net/http"
	"time"

	"github.com/unet-dev/unet"
)

// PasswordRequest is the body of the set-password route (write-only).
type PasswordRequest struct {
	Password string `json:"password"`
}

func nameParam(what string) []Param {
	return []Param{{Name: "name", Type: "string", Description: what + " name"}}
}

// identityRoutes are the routes of users, roles, API tokens and the audit
// log.
func (s *Server) identityRoutes() []Route {
	user := BasePath + "/users/{name}"
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/users", Permission: PermUsersRead, OperationID: "listUsers", Tag: "identity",
			Summary: "List users with their grants (never password hashes)", Status: http.StatusOK,
			Result: unet.List[unet.User]{}, handle: s.listUsers},
		{Method: http.MethodPost, Path: BasePath + "/users", Permission: PermUsersWrite, OperationID: "createUser", Tag: "identity",
			Summary: "Add a user, optionally with a password (write-only) and roles", Body: unet.NewUser{},
			Status: http.StatusCreated, Result: unet.User{}, handle: s.createUser},
		{Method: http.MethodGet, Path: user, Permission: PermUsersRead, OperationID: "getUser", Tag: "identity",
			Summary: "Show a user", PathParams: nameParam("user"), Status: http.StatusOK, Result: unet.User{}, handle: s.getUser},
		{Method: http.MethodDelete, Path: user, Permission: PermUsersWrite, OperationID: "deleteUser", Tag: "identity",
			Summary: "Remove a user with its grants and API tokens", PathParams: nameParam("user"),
			Status: http.StatusNoContent, handle: s.deleteUser},
		{Method: http.MethodPost, Path: user + "/disable", Permission: PermUsersWrite, OperationID: "disableUser", Tag: "identity",
			Summary: "Disable a user: its tokens stop working at once", PathParams: nameParam("user"),
			Status: http.StatusOK, Result: unet.User{}, handle: s.setUserDisabled(true)},
		{Method: http.MethodPost, Path: user + "/enable", Permission: PermUsersWrite, OperationID: "enableUser", Tag: "identity",
			Summary: "Enable a disabled user", PathParams: nameParam("user"),
			Status: http.StatusOK, Result: unet.User{}, handle: s.setUserDisabled(false)},
		{Method: http.MethodPost, Path: user + "/password", Permission: PermUsersWrite, OperationID: "setUserPassword", Tag: "identity",
			Summary: "Replace a user's password (hashed with argon2id; never returned)", PathParams: nameParam("user"),
			Body: PasswordRequest{}, Status: http.StatusNoContent, handle: s.setPassword},
		{Method: http.MethodPost, Path: user + "/grants", Permission: PermUsersWrite, OperationID: "grantRole", Tag: "identity",
			Summary: "Grant a role to a user, optionally with a scope", PathParams: nameParam("user"),
			Body: unet.Grant{}, Status: http.StatusOK, Result: unet.User{}, handle: s.grantRole},
		{Method: http.MethodDelete, Path: user + "/grants/{role}", Permission: PermUsersWrite, OperationID: "revokeRole", Tag: "identity",
			Summary:    "Revoke a role from a user",
			PathParams: append(nameParam("user"), Param{Name: "role", Type: "string", Description: "role name"}),
			Status:     http.StatusOK, Result: unet.User{}, handle: s.revokeRole},
		{Method: http.MethodGet, Path: BasePath + "/roles", Permission: PermRolesRead, OperationID: "listRoles", Tag: "identity",
			Summary: "List the built-in and custom roles with their permissions", Status: http.StatusOK,
			Result: unet.List[unet.Role]{}, handle: s.listRoles},
		{Method: http.MethodPost, Path: BasePath + "/roles", Permission: PermRolesWrite, OperationID: "createRole", Tag: "identity",
			Summary: "Add a custom role", Body: unet.Role{}, Status: http.StatusCreated, Result: unet.Role{}, handle: s.createRole},
		{Method: http.MethodGet, Path: BasePath + "/roles/{name}", Permission: PermRolesRead, OperationID: "getRole", Tag: "identity",
			Summary: "Show a role", PathParams: nameParam("role"), Status: http.StatusOK, Result: unet.Role{}, handle: s.getRole},
		{Method: http.MethodDelete, Path: BasePath + "/roles/{name}", Permission: PermRolesWrite, OperationID: "deleteRole", Tag: "identity",
			Summary: "Remove a custom role nobody holds (built-in roles cannot be removed)", PathParams: nameParam("role"),
			Status: http.StatusNoContent, handle: s.deleteRole},
		{Method: http.MethodGet, Path: BasePath + "/tokens", Permission: PermTokensRead, OperationID: "listTokens", Tag: "identity",
			Summary: "List API tokens (metadata only): the caller's own, or with users:read anyone's",
			Query:   []Param{{Name: "user", Type: "string", Description: "only this user's tokens"}},
			Status:  http.StatusOK, Result: unet.List[unet.APIToken]{}, handle: s.listTokens},
		{Method: http.MethodPost, Path: BasePath + "/tokens", Permission: PermTokensWrite, OperationID: "createToken", Tag: "identity",
			Summary: "Create an API token; the answer holds the token, shown this once (another user's token needs users:write)",
			Body:    unet.TokenRequest{}, Status: http.StatusCreated, Result: unet.NewAPIToken{}, handle: s.createToken},
		{Method: http.MethodDelete, Path: BasePath + "/tokens/{id}", Permission: PermTokensWrite, OperationID: "revokeToken", Tag: "identity",
			Summary:    "Revoke an API token (another user's needs users:write)",
			PathParams: []Param{{Name: "id", Type: "string", Description: "token ID"}},
			Status:     http.StatusNoContent, handle: s.revokeToken},
		{Method: http.MethodGet, Path: BasePath + "/audit", Permission: PermAuditRead, OperationID: "listAudit", Tag: "identity",
			Summary: "The audit log, newest first: mutating requests and denials",
			Query: append([]Param{
				{Name: "actor", Type: "string", Description: "only entries of this actor"},
				{Name: "outcome", Type: "string", Description: "only this outcome: ok, denied or error"},
				{Name: "since", Type: "date-time", Description: "only entries at or after this time (RFC 3339)"},
			}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.AuditEntry]{}, handle: s.listAudit},
	}
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListUsers(r.Context()))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var b unet.NewUser
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	u, err := s.svc.CreateUser(r.Context(), b)
	return reply(s, w, http.StatusCreated, u, err)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.GetUser(r.Context(), r.PathValue("name"))
	return reply(s, w, http.StatusOK, u, err)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveUser(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) setUserDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.svc.SetUserDisabled(r.Context(), r.PathValue("name"), disabled)
		return reply(s, w, http.StatusOK, u, err)
	}
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	var b PasswordRequest
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if err := s.svc.SetPassword(r.Context(), r.PathValue("name"), b.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) grantRole(w http.ResponseWriter, r *http.Request) error {
	var g unet.Grant
	if err := decodeBody(r, &g); err != nil {
		return err
	}
	u, err := s.svc.GrantRole(r.Context(), r.PathValue("name"), g)
	return reply(s, w, http.StatusOK, u, err)
}

func (s *Server) revokeRole(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.RevokeRole(r.Context(), r.PathValue("name"), r.PathValue("role"))
	return reply(s, w, http.StatusOK, u, err)
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListRoles(r.Context()))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request) error {
	var b unet.Role
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	role, err := s.svc.CreateRole(r.Context(), b)
	return reply(s, w, http.StatusCreated, role, err)
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) error {
	role, err := s.svc.GetRole(r.Context(), r.PathValue("name"))
	return reply(s, w, http.StatusOK, role, err)
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveRole(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListTokens(r.Context(), r.URL.Query().Get("user")))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var b unet.TokenRequest
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	t, err := s.svc.CreateToken(r.Context(), b)
	return reply(s, w, http.StatusCreated, t, err)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := page(q)
	if err != nil {
		return err
	}
	f := unet.AuditFilter{Actor: q.Get("actor"), Outcome: q.Get("outcome"), Page: p}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return statusError(http.StatusBadRequest, unet.EINVALID, "query parameter since must be an RFC 3339 time such as 2026-01-02T15:04:05Z, not "+v)
		}
		f.Since = t
	}
	l, err := s.svc.ListAudit(r.Context(), f)
	return reply(s, w, http.StatusOK, l, err)
}
