package unet

import "context"

// List is one page of a list call. Next is the cursor of the following page ("" at
// the end); Total is the number of matching objects when known (-1 otherwise).
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
	Total int    `json:"total"`
}

// Patch is a JSON merge patch (RFC 7396) of an object's JSON form: a key sets a
// field, a nested object merges (custom_data), null clears.
type Patch map[string]any

// WriteOptions qualify a mutation: the expected current version (optimistic
// concurrency; 0 = do not check) and the reason recorded in the change log.
type WriteOptions struct {
	IfVersion int
	Reason    string
	// Emergency applies the write at once even where change sets are
	// required; it needs a Reason, is flagged in the change log and waits
	// for review by someone else (SPEC §7.4).
	Emergency bool
}

// DeleteOptions qualify a delete.
type DeleteOptions struct {
	IfVersion int
	Reason    string
	// Cascade deletes dependent objects (a node's links) instead of refusing.
	Cascade bool
	// Emergency as in WriteOptions.
	Emergency bool
}

// Service is everything a backend offers: the inventory, the change log,
// import, the engines (policies, templates, SNMP) and Git sources with the
// inventory export into them. The local implementation (service.Service over
// a database) and the remote one (httpapi.Client) both provide all of it, and
// each asserts so at compile time, so the CLI and the HTTP server work through
// this one interface and never discover capabilities at run time.
type Service interface {
	NodeService
	LocationService
	LinkService
	VendorService
	ChangeService
	ImportService
	PolicyService
	TemplateService
	ConfigService
	SNMPService
	GitService
	SecretService
	IdentityService
	SessionService
	ChangeSetService
	ApprovalRuleService
	HistoryService
	EventService
	NotificationService
	CanaryService
	// Close releases the underlying resources.
	Close() error
}

type actorKey struct{}

// WithActor returns a context that records actor as the author of mutations.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor recorded in ctx, or "unknown".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "unknown"
}
