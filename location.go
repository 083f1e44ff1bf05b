package unet

import (
	"context"
	"strings"
)

// Location is a place in the location tree (region, site, building, …).
type Location struct {
	Meta
	Name        string `json:"name"`
	Type        string `json:"type"`
	ParentID    string `json:"parent_id"`
	Path        string `json:"path"`
	Description string `json:"description"`
	Address     string `json:"address"`
	Lifecycle   string `json:"lifecycle"`
	// SNMPProfile is inherited by the nodes below that name none.
	SNMPProfile string `json:"snmp_profile"`
}

// LocationTypes are the accepted location types.
var LocationTypes = []string{"region", "site", "building", "floor", "room", "rack", "other"}

// Normalize applies canonical forms and defaults.
func (l *Location) Normalize() {
	l.Meta.normalize()
	l.Name = strings.TrimSpace(l.Name)
	l.Type = strings.ToLower(strings.TrimSpace(l.Type))
	if l.Lifecycle == "" {
		l.Lifecycle = LifecycleLive
	}
}

// Validate checks the fields of l.
func (l *Location) Validate() error {
	var fe fieldErrors
	switch {
	case l.Name == "":
		fe.add("name", "is required")
	case !fe.checkText("name", l.Name, MaxNameLen):
	case strings.Contains(l.Name, "/"):
		fe.add("name", "%q must not contain '/' (it separates path levels)", l.Name)
	}
	if fe.checkText("type", l.Type, MaxKeyLen) && !contains(LocationTypes, l.Type) {
		if l.Type == "" {
			fe.add("type", "is required (one of %s)", strings.Join(LocationTypes, ", "))
		} else {
			fe.add("type", "%q is not one of %s", l.Type, strings.Join(LocationTypes, ", "))
		}
	}
	fe.checkText("description", l.Description, MaxTextLen)
	fe.checkText("address", l.Address, MaxTextLen)
	if fe.checkText("lifecycle", l.Lifecycle, MaxKeyLen) && !ValidLifecycle(l.Lifecycle) {
		fe.add("lifecycle", "%q is not one of %s", l.Lifecycle, strings.Join(Lifecycles(), ", "))
	}
	fe.checkText("snmp_profile", l.SNMPProfile, MaxKeyLen)
	l.Meta.validate(&fe)
	return fe.err("location")
}

// LocationFilter selects locations in ListLocations.
type LocationFilter struct {
	Type   string
	Parent string // path or ID: direct children only
	Page
}

// LocationService manages the location tree. Refs are an ID or a path.
type LocationService interface {
	CreateLocation(ctx context.Context, l *Location, o WriteOptions) (*Location, error)
	GetLocation(ctx context.Context, ref string) (*Location, error)
	ListLocations(ctx context.Context, f LocationFilter) (*List[Location], error)
	UpdateLocation(ctx context.Context, ref string, p Patch, o WriteOptions) (*Location, error)
	DeleteLocation(ctx context.Context, ref string, o DeleteOptions) error
}
