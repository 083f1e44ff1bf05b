package httpapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

// SecretRequest is the body of the set-secret route. Value is write-only: no
// route ever answers with it.
type SecretRequest struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// secretRoutes are the routes of the secrets stored in the database: list
// their metadata, set a value (write-only), remove one. Key rotation is an
// operator action on the database (`unet secrets rotate-key`), not a route.
func (s *Server) secretRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/secrets", Permission: PermSecretsRead, OperationID: "listSecrets",
			Tag: "secrets", Summary: "Stored secrets: names, key ids, who set them and when (never values)",
			Status: http.StatusOK, Result: unet.List[unet.SecretInfo]{}, handle: s.listSecrets},
		{Method: http.MethodPost, Path: BasePath + "/secrets", Permission: PermSecretsWrite, OperationID: "setSecret",
			Tag: "secrets", Summary: "Store a secret (db:NAME), encrypted with the server's secrets key, replacing an existing value; the answer holds the metadata only",
			Query: []Param{reasonParam()}, Body: SecretRequest{}, Status: http.StatusOK, Result: unet.SecretInfo{}, handle: s.setSecret},
		{Method: http.MethodDelete, Path: BasePath + "/secrets/{name}", Permission: PermSecretsWrite, OperationID: "deleteSecret",
			Tag: "secrets", Summary: "Remove a stored secret; references to it fail from then on",
			PathParams: []Param{{Name: "name", Type: "string", Description: "secret name"}},
			Query:      []Param{reasonParam()}, Status: http.StatusNoContent, handle: s.deleteSecret},
	}
}

func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) error {
	list, err := listOf(s.svc.ListSecrets(r.Context()))
	return reply(s, w, http.StatusOK, list, err)
}

func (s *Server) setSecret(w http.ResponseWriter, r *http.Request) error {
	return decodeAndReply(s, w, r, func(ctx context.Context, b SecretRequest) (*unet.SecretInfo, error) {
		return s.svc.SetSecret(ctx, b.Name, []byte(b.Value), unet.WriteOptions{Reason: r.URL.Query().Get("reason")})
	})
}

func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveSecret(r.Context(), r.PathValue("name"), unet.DeleteOptions{Reason: r.URL.Query().Get("reason")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var _ unet.SecretService = (*Client)(nil)

// SetSecret stores a secret on the server; the value travels once, in the
// request body, and never comes back.
func (c *Client) SetSecret(ctx context.Context, name string, value []byte, o unet.WriteOptions) (*unet.SecretInfo, error) {
	return fetch[unet.SecretInfo](ctx, c, call{method: http.MethodPost, path: BasePath + "/secrets", query: writeQuery(o.Reason),
		body: SecretRequest{Name: name, Value: string(value)}})
}

// ListSecrets lists the server's stored secrets (metadata only).
func (c *Client) ListSecrets(ctx context.Context) ([]unet.SecretInfo, error) {
	l, err := fetch[unet.List[unet.SecretInfo]](ctx, c, call{method: http.MethodGet, path: BasePath + "/secrets"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// RemoveSecret removes a stored secret on the server.
func (c *Client) RemoveSecret(ctx context.Context, name string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: BasePath + "/secrets/" + url.PathEscape(name), query: writeQuery(o.Reason)})
}
