package unet

import (
	"context"
	"encoding/json"
	"time"
)

// Change operations recorded in the change log.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// Object kinds of the change log and references.
const (
	KindNode     = "node"
	KindLink     = "link"
	KindLocation = "location"
	KindVendor   = "vendor"
)

// Change is one append-only record of the change log: who changed what, when,
// and the object before and after.
type Change struct {
	ID         string          `json:"id"`
	Time       time.Time       `json:"time"`
	Actor      string          `json:"actor"`
	ObjectKind string          `json:"object_kind"`
	ObjectID   string          `json:"object_id"`
	ObjectName string          `json:"object_name"`
	Op         string          `json:"op"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	Reason     string          `json:"reason"`
	// Batch groups the changes written by one command (an import, a cascade).
	Batch string `json:"batch"`
	// ChangeSet is the set ("cs-N") whose apply wrote the change, "" for a
	// direct write.
	ChangeSet string `json:"change_set,omitempty"`
	// Emergency marks a write made with --emergency.
	Emergency bool `json:"emergency,omitempty"`
}

// ChangeFilter selects change records.
type ChangeFilter struct {
	Object string // KIND/NAME, KIND/ID or a bare ID
	Actor  string
	Since  time.Time
	Page
}

// ChangeService reads the change log.
type ChangeService interface {
	ListChanges(ctx context.Context, f ChangeFilter) (*List[Change], error)
	GetChange(ctx context.Context, id string) (*Change, error)
}
