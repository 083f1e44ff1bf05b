package unet

import (
	"context"
	"strings"
)

// Link connects two node interfaces, or one node interface to the outside (an
// external circuit has no Z side).
type Link struct {
	Meta
	Name         string `json:"name"`
	ANodeID      string `json:"a_node_id"`
	AInterface   string `json:"a_interface"`
	ZNodeID      string `json:"z_node_id"`
	ZInterface   string `json:"z_interface"`
	Role         string `json:"role"`
	BandwidthBPS int64  `json:"bandwidth_bps"`
	CircuitID    string `json:"circuit_id"`
	Provider     string `json:"provider"`
	Description  string `json:"description"`
	Lifecycle    string `json:"lifecycle"`
	// ANode and ZNode are the names (FQDNs) of the endpoints, filled on reads for
	// display and for by-name import/export.
	ANode string `json:"a_node"`
	ZNode string `json:"z_node"`
}

// LinkRoles are the accepted link roles.
var LinkRoles = []string{"backbone", "access", "internet", "peering", "management", "other"}

// Normalize applies canonical forms and defaults.
func (l *Link) Normalize() {
	l.Meta.normalize()
	l.Name = strings.TrimSpace(l.Name)
	l.AInterface = strings.TrimSpace(l.AInterface)
	l.ZInterface = strings.TrimSpace(l.ZInterface)
	l.Role = strings.ToLower(strings.TrimSpace(l.Role))
	if l.Lifecycle == "" {
		l.Lifecycle = LifecyclePlanned
	}
}

// Validate checks the fields of l that need no database.
func (l *Link) Validate() error {
	var fe fieldErrors
	fe.checkText("name", l.Name, MaxNameLen)
	if l.ANodeID == "" {
		fe.add("a_node", "is required")
	}
	if l.AInterface == "" {
		fe.add("a_interface", "is required")
	}
	aOK := fe.checkText("a_interface", l.AInterface, MaxNameLen)
	zOK := fe.checkText("z_interface", l.ZInterface, MaxNameLen)
	if (l.ZNodeID == "") != (l.ZInterface == "") {
		fe.add("z_interface", "z node and z interface must both be set, or both be empty for an external circuit")
	}
	if aOK && zOK && l.ZNodeID != "" && l.ANodeID == l.ZNodeID && strings.EqualFold(l.AInterface, l.ZInterface) {
		fe.add("z_interface", "a link cannot connect interface %s to itself", l.AInterface)
	}
	if fe.checkText("role", l.Role, MaxKeyLen) && l.Role != "" && !contains(LinkRoles, l.Role) {
		fe.add("role", "%q is not one of %s", l.Role, strings.Join(LinkRoles, ", "))
	}
	if l.BandwidthBPS < 0 {
		fe.add("bandwidth_bps", "must not be negative")
	}
	fe.checkText("circuit_id", l.CircuitID, MaxAttrLen)
	fe.checkText("provider", l.Provider, MaxAttrLen)
	fe.checkText("description", l.Description, MaxTextLen)
	if fe.checkText("lifecycle", l.Lifecycle, MaxKeyLen) && !ValidLifecycle(l.Lifecycle) {
		fe.add("lifecycle", "%q is not one of %s", l.Lifecycle, strings.Join(Lifecycles(), ", "))
	}
	l.Meta.validate(&fe)
	return fe.err("link")
}

// LinkFilter selects links in ListLinks.
type LinkFilter struct {
	Node string // ref of a node on either side
	Role string
	Page
}

// LinkService manages links. Refs are an ID, a name, or NODE:INTERFACE of either
// endpoint.
type LinkService interface {
	CreateLink(ctx context.Context, l *Link, o WriteOptions) (*Link, error)
	GetLink(ctx context.Context, ref string) (*Link, error)
	ListLinks(ctx context.Context, f LinkFilter) (*List[Link], error)
	UpdateLink(ctx context.Context, ref string, p Patch, o WriteOptions) (*Link, error)
	DeleteLink(ctx context.Context, ref string, o DeleteOptions) error
}
