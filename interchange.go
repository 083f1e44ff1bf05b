package unet

import (
	"context"
	"strings"
)

// Bundle is the by-name interchange form of an inventory: what import reads and
// export writes. Objects refer to each other by name or path, never by ID, so
// hand-written files work and an export re-imports into any database.
type Bundle struct {
	Vendors   []VendorRecord   `json:"vendors,omitempty" yaml:"vendors,omitempty"`
	Locations []LocationRecord `json:"locations,omitempty" yaml:"locations,omitempty"`
	Nodes     []NodeRecord     `json:"nodes,omitempty" yaml:"nodes,omitempty"`
	Links     []LinkRecord     `json:"links,omitempty" yaml:"links,omitempty"`
}

// Origin tells where an imported record came from, for error messages.
type Origin struct {
	File   string `json:"file,omitempty" yaml:"file,omitempty"`
	Record int    `json:"record,omitempty" yaml:"record,omitempty"`
	// Line is the 1-based line where the record starts (YAML files).
	Line int `json:"line,omitempty" yaml:"line,omitempty"`
	// FieldLines maps a top-level field of the record to its line.
	FieldLines map[string]int `json:"-" yaml:"-"`
}

// LineOf returns the line of a field of the record, else the record's line
// (0 when unknown).
func (o *Origin) LineOf(field string) int {
	if o == nil {
		return 0
	}
	top, _, _ := strings.Cut(field, ".")
	if l := o.FieldLines[top]; l > 0 {
		return l
	}
	return o.Line
}

// VendorRecord is a vendor in interchange form.
type VendorRecord struct {
	Name        string  `json:"name" yaml:"name"`
	DisplayName string  `json:"display_name,omitempty" yaml:"display_name,omitempty"`
	Source      *Origin `json:"source,omitempty" yaml:"-"`
}

// LocationRecord is a location in interchange form; Parent is the parent's path.
type LocationRecord struct {
	Name        string         `json:"name" yaml:"name"`
	Type        string         `json:"type" yaml:"type"`
	Parent      string         `json:"parent,omitempty" yaml:"parent,omitempty"`
	Description string         `json:"description,omitempty" yaml:"description,omitempty"`
	Address     string         `json:"address,omitempty" yaml:"address,omitempty"`
	Lifecycle   string         `json:"lifecycle,omitempty" yaml:"lifecycle,omitempty"`
	SNMPProfile string         `json:"snmp_profile,omitempty" yaml:"snmp_profile,omitempty"`
	Tags        []string       `json:"tags,omitempty" yaml:"tags,omitempty"`
	CustomData  map[string]any `json:"custom_data,omitempty" yaml:"custom_data,omitempty"`
	Source      *Origin        `json:"source,omitempty" yaml:"-"`
}

// NodeRecord is a node in interchange form; Location is a location path.
type NodeRecord struct {
	Name            string         `json:"name" yaml:"name"`
	Domain          string         `json:"domain,omitempty" yaml:"domain,omitempty"`
	Vendor          string         `json:"vendor" yaml:"vendor"`
	Model           string         `json:"model,omitempty" yaml:"model,omitempty"`
	Role            string         `json:"role,omitempty" yaml:"role,omitempty"`
	DeviceType      string         `json:"device_type,omitempty" yaml:"device_type,omitempty"`
	Platform        string         `json:"platform,omitempty" yaml:"platform,omitempty"`
	MgmtIP          string         `json:"mgmt_ip,omitempty" yaml:"mgmt_ip,omitempty"`
	SoftwareVersion string         `json:"software_version,omitempty" yaml:"software_version,omitempty"`
	SerialNumber    string         `json:"serial_number,omitempty" yaml:"serial_number,omitempty"`
	AssetTag        string         `json:"asset_tag,omitempty" yaml:"asset_tag,omitempty"`
	Location        string         `json:"location,omitempty" yaml:"location,omitempty"`
	Lifecycle       string         `json:"lifecycle,omitempty" yaml:"lifecycle,omitempty"`
	Environment     string         `json:"environment,omitempty" yaml:"environment,omitempty"`
	SNMPProfile     string         `json:"snmp_profile,omitempty" yaml:"snmp_profile,omitempty"`
	Tags            []string       `json:"tags,omitempty" yaml:"tags,omitempty"`
	CustomData      map[string]any `json:"custom_data,omitempty" yaml:"custom_data,omitempty"`
	Source          *Origin        `json:"source,omitempty" yaml:"-"`
}

// LinkRecord is a link in interchange form; ANode and ZNode are node names or
// FQDNs.
type LinkRecord struct {
	Name         string         `json:"name,omitempty" yaml:"name,omitempty"`
	ANode        string         `json:"a_node" yaml:"a_node"`
	AInterface   string         `json:"a_interface" yaml:"a_interface"`
	ZNode        string         `json:"z_node,omitempty" yaml:"z_node,omitempty"`
	ZInterface   string         `json:"z_interface,omitempty" yaml:"z_interface,omitempty"`
	Role         string         `json:"role,omitempty" yaml:"role,omitempty"`
	BandwidthBPS int64          `json:"bandwidth_bps,omitempty" yaml:"bandwidth_bps,omitempty"`
	CircuitID    string         `json:"circuit_id,omitempty" yaml:"circuit_id,omitempty"`
	Provider     string         `json:"provider,omitempty" yaml:"provider,omitempty"`
	Description  string         `json:"description,omitempty" yaml:"description,omitempty"`
	Lifecycle    string         `json:"lifecycle,omitempty" yaml:"lifecycle,omitempty"`
	Tags         []string       `json:"tags,omitempty" yaml:"tags,omitempty"`
	CustomData   map[string]any `json:"custom_data,omitempty" yaml:"custom_data,omitempty"`
	Source       *Origin        `json:"source,omitempty" yaml:"-"`
}

// ImportOptions qualify an import.
type ImportOptions struct {
	DryRun    bool   `json:"dry_run"`
	Reason    string `json:"reason"`
	Emergency bool   `json:"emergency,omitempty"`
}

// ImportAction is what an import did (or would do) to one object.
type ImportAction struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Action string `json:"action"` // create, update, unchanged
}

// ImportReport summarises an import.
type ImportReport struct {
	DryRun    bool           `json:"dry_run"`
	Created   int            `json:"created"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Actions   []ImportAction `json:"actions"`
}

// ImportService loads and dumps whole inventories.
type ImportService interface {
	// Import upserts every record by natural key in one transaction: all or
	// nothing. Every bad record is reported (with its Origin) in one error.
	Import(ctx context.Context, b *Bundle, o ImportOptions) (*ImportReport, error)
	// Export returns the whole inventory in interchange form, in a stable order.
	Export(ctx context.Context) (*Bundle, error)
	// MarkDemo records in the database that it holds the demo dataset: from
	// then on it falls back to the built-in demo policies and templates when
	// nothing else provides them (`unet demo`, locally or against a server).
	MarkDemo(ctx context.Context) error
}
