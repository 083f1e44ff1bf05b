// Package service implements μNet's service interfaces on a sqlstore database:
// it is the one place where the business rules live — validation, lifecycle
// transitions, referential rules, optimistic concurrency and the change log,
// written in the same transaction as every mutation.
package service

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// Service implements unet.Service in-process.
type Service struct {
	db  *sqlstore.DB
	now func() time.Time
	// policySource supplies rules when a request carries none.
	policySource PolicySource
	// templateOpts are the options of the environments the service opens
	// itself (SetTemplateOptions).
	templateOpts templates.Options
	// templates renders node configuration; nil until a source is set.
	// templateSource, when set, picks templates per node environment.
	templates      *templates.Env
	templateSource TemplateSource
	// guards holds the change-set guard settings (nil: the defaults).
	guards atomic.Pointer[GuardSettings]
	// impacts caches the impacts of change sets under review.
	impacts impactCache
	// infos caches the compiled headers of infoEnv's templates.
	infoMu  sync.Mutex
	infoEnv *templates.Env
	infos   map[string]templates.TemplateInfo
	// git holds the Git syncer and its data directory.
	git gitState
	// sec holds the secret allow-list and the key of stored secrets.
	sec secretsState
	// demo holds the demo switch and the default template sources.
	demo demoState
	// ident holds the token pepper and password hashing parameters.
	ident identityState
	// tokens caches verified API token rows (tokencache.go).
	tokens tokenCache
	// sess holds the session lifetimes and the snapshot that verifies
	// access tokens.
	sess sessionState
	// review holds the change-review settings (requirecs.go).
	review reviewState
	// tally counts the stored policy results for the gauges (policy_store.go).
	tally resultTally
	// canary caches the content of canary candidates (canary_serve.go).
	canary canaryState
}

var _ unet.Service = (*Service)(nil)

// New returns a service over db. The caller keeps ownership of db unless it
// calls Close.
func New(db *sqlstore.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// DB returns the underlying database.
func (s *Service) DB() *sqlstore.DB { return s.db }

// Close closes the database.
func (s *Service) Close() error { return s.db.Close() }

func newID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// mutation carries what every change row of one command shares.
type mutation struct {
	actor  string
	reason string
	batch  string
	now    time.Time
	// cache remembers references resolved during one multi-object command
	// (an import); nil for single-object commands.
	cache *refCache
	// scopes limits the writes of a scoped principal (nil: unscoped).
	scopes *writeScopes
	// changeSet is the set ("cs-N") whose apply this is, "" for a direct
	// write; emergency marks a write made with --emergency.
	changeSet string
	emergency bool
	// restoreIDs keeps the ID a created object carries (a revert re-creates
	// a deleted object under its old ID).
	restoreIDs bool
	// direct, when set, vets a direct write (not from a change set, not an
	// emergency) of one object: `serve --require-change-sets`.
	direct func(ctx context.Context, tx *sqlstore.Tx, kind string, before, after any) error
	// capture, when set, receives a copy of every change row written: the
	// dry runs of staging and impact read the rows of their operations.
	capture *[]unet.Change
}

// refCache remembers vendor names known to exist and location references
// already resolved, within one transaction.
type refCache struct {
	vendors   map[string]bool
	locations map[string]string
	nodes     map[string][2]string // ref → {id, fqdn}
	// index, loaded by a large import, answers its existence checks.
	index *importIndex
}

func newRefCache() *refCache {
	return &refCache{vendors: map[string]bool{}, locations: map[string]string{}, nodes: map[string][2]string{}}
}

// nodeKey resolves a node reference through the cache.
func (c *refCache) nodeKey(ctx context.Context, r sqlstore.Reader, ref string) (id, fqdn string, err error) {
	if c != nil {
		if k, ok := c.nodes[ref]; ok {
			return k[0], k[1], nil
		}
	}
	if c != nil && c.index != nil {
		// The index knows every FQDN and ID (filled in above): what is
		// left is a name.
		id, fqdn, err = c.index.nodeByName(ref)
	} else {
		id, fqdn, err = r.NodeKey(ctx, ref)
	}
	if err == nil && c != nil {
		c.nodes[ref] = [2]string{id, fqdn}
	}
	return id, fqdn, err
}

func (c *refCache) vendor(name string) bool { return c != nil && c.vendors[name] }

func (c *refCache) addVendor(name string) {
	if c != nil {
		c.vendors[name] = true
	}
}

func (c *refCache) location(ref string) (string, bool) {
	if c == nil {
		return "", false
	}
	id, ok := c.locations[ref]
	return id, ok
}

func (c *refCache) addLocation(ref, id string) {
	if c != nil {
		c.locations[ref] = id
	}
}

func (s *Service) mutation(ctx context.Context, reason string) mutation {
	return mutation{actor: unet.ActorFrom(ctx), reason: reason, batch: newID(), now: s.now(), scopes: s.writeScopesOf(ctx),
		direct: s.checkDirectWrite}
}

// record appends one change row for an object.
func (m mutation) record(ctx context.Context, tx *sqlstore.Tx, kind, id, name, op string, before, after any) error {
	if err := m.scopes.check(ctx, tx, kind, name, before, after); err != nil {
		return err
	}
	if m.direct != nil && m.changeSet == "" && !m.emergency {
		if err := m.direct(ctx, tx, kind, before, after); err != nil {
			return err
		}
	}
	c := &unet.Change{
		ID:         newID(),
		Time:       m.now,
		Actor:      m.actor,
		ObjectKind: kind,
		ObjectID:   id,
		ObjectName: name,
		Op:         op,
		Before:     image(before),
		After:      image(after),
		Reason:     m.reason,
		Batch:      m.batch,
		ChangeSet:  m.changeSet,
		Emergency:  m.emergency,
	}
	if err := tx.InsertChange(ctx, c); err != nil {
		return err
	}
	recordChangeEvent(tx, c)
	if m.capture != nil {
		*m.capture = append(*m.capture, *c)
	}
	return nil
}

// image is the JSON of an object for the change log; nil becomes JSON null.
func image(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// checkVersion refuses a write that names a stale version.
func checkVersion(kind, name string, current, want int) error {
	if want != 0 && want != current {
		return unet.Errorf(unet.ECONFLICT, "%s %s is at version %d, not %d: someone changed it; reload and retry", kind, name, current, want)
	}
	return nil
}

// sameIntent reports whether two objects are equal once their bookkeeping
// fields (version, timestamps) are ignored: an update that changes nothing is
// not written and leaves no change row.
func sameIntent(a, b unet.Meta, ja, jb any) bool {
	a.Version, a.CreatedAt, a.UpdatedAt = 0, time.Time{}, time.Time{}
	b.Version, b.CreatedAt, b.UpdatedAt = 0, time.Time{}, time.Time{}
	return sameJSON(a, b) && sameJSON(ja, jb)
}

// sameJSON reports whether x and y have the same JSON form. A value that does
// not encode is never the same as anything, so the write it guards goes ahead
// (and fails there with the encoding error).
func sameJSON(x, y any) bool {
	bx, err := json.Marshal(x)
	if err != nil {
		return false
	}
	by, err := json.Marshal(y)
	return err == nil && bytes.Equal(bx, by)
}
