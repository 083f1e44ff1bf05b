package unet

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
)

// Node is a managed device: the desired state of one box (SPEC §1.1).
type Node struct {
	Meta
	Name            string `json:"name"`
	Domain          string `json:"domain"`
	FQDN            string `json:"fqdn"`
	Vendor          string `json:"vendor"`
	Model           string `json:"model"`
	Role            string `json:"role"`
	DeviceType      string `json:"device_type"`
	Platform        string `json:"platform"`
	MgmtIP          string `json:"mgmt_ip"`
	SoftwareVersion string `json:"software_version"`
	SerialNumber    string `json:"serial_number"`
	AssetTag        string `json:"asset_tag"`
	LocationID      string `json:"location_id"`
	Lifecycle       string `json:"lifecycle"`
	Environment     string `json:"environment"`
	SNMPProfile     string `json:"snmp_profile"`
}

// Device types and platforms accepted on nodes.
var (
	DeviceTypes = []string{"router", "switch", "firewall", "loadbalancer", "wireless", "server", "other"}
	Platforms   = []string{"ios", "iosxe", "nxos", "eos", "iosxr", "junos", "fortios", "sros", "rad-etx", "onyx", "comware", "panos", "exos", "routeros", "netiron", "generic"}
)

var (
	nodeNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	domainRE   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	envRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// DefaultEnvironment is the environment of a node that names none.
const DefaultEnvironment = "production"

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Normalize applies the canonical forms: lowercase vendor, computed fqdn, default
// lifecycle and environment, canonical IP text, non-nil collections.
func (n *Node) Normalize() {
	n.Meta.normalize()
	n.Name = strings.TrimSpace(n.Name)
	n.Domain = strings.ToLower(strings.TrimSpace(n.Domain))
	n.Vendor = strings.ToLower(strings.TrimSpace(n.Vendor))
	n.Platform = strings.ToLower(strings.TrimSpace(n.Platform))
	n.DeviceType = strings.ToLower(strings.TrimSpace(n.DeviceType))
	n.MgmtIP = strings.TrimSpace(n.MgmtIP)
	if ip, err := netip.ParseAddr(n.MgmtIP); err == nil {
		n.MgmtIP = ip.String()
	}
	if n.Lifecycle == "" {
		n.Lifecycle = LifecyclePlanned
	}
	if n.Environment == "" {
		n.Environment = DefaultEnvironment
	}
	n.FQDN = n.Name
	if n.Domain != "" {
		n.FQDN = n.Name + "." + n.Domain
	}
}

// Validate checks the fields of n (after Normalize) and returns an *Error with
// field errors, or nil.
func (n *Node) Validate() error {
	var fe fieldErrors
	switch {
	case n.Name == "":
		fe.add("name", "is required")
	case !fe.checkText("name", n.Name, MaxNameLen):
	case !nodeNameRE.MatchString(n.Name):
		fe.add("name", "%q must start with a letter or digit and contain only letters, digits, '.', '_' and '-'", n.Name)
	}
	if fe.checkText("domain", n.Domain, MaxDomainLen) && n.Domain != "" && !domainRE.MatchString(n.Domain) {
		fe.add("domain", "%q is not a valid DNS domain", n.Domain)
	}
	if n.Vendor == "" {
		fe.add("vendor", "is required")
	} else {
		fe.checkText("vendor", n.Vendor, MaxKeyLen)
	}
	fe.checkText("model", n.Model, MaxAttrLen)
	if fe.checkText("role", n.Role, MaxKeyLen) && n.Role != "" && !slugRE.MatchString(n.Role) {
		fe.add("role", "%q must be a lowercase slug (letters, digits, '-', '_')", n.Role)
	}
	if fe.checkText("device_type", n.DeviceType, MaxKeyLen) && n.DeviceType != "" && !contains(DeviceTypes, n.DeviceType) {
		fe.add("device_type", "%q is not one of %s", n.DeviceType, strings.Join(DeviceTypes, ", "))
	}
	if fe.checkText("platform", n.Platform, MaxKeyLen) && n.Platform != "" && !contains(Platforms, n.Platform) {
		fe.add("platform", "%q is not one of %s", n.Platform, strings.Join(Platforms, ", "))
	}
	if fe.checkText("mgmt_ip", n.MgmtIP, MaxKeyLen) && n.MgmtIP != "" {
		if _, err := netip.ParseAddr(n.MgmtIP); err != nil {
			fe.add("mgmt_ip", "%q is not a valid IPv4 or IPv6 address", n.MgmtIP)
		}
	}
	fe.checkText("software_version", n.SoftwareVersion, MaxAttrLen)
	fe.checkText("serial_number", n.SerialNumber, MaxAttrLen)
	fe.checkText("asset_tag", n.AssetTag, MaxAttrLen)
	if fe.checkText("lifecycle", n.Lifecycle, MaxKeyLen) && !ValidLifecycle(n.Lifecycle) {
		fe.add("lifecycle", "%q is not one of %s", n.Lifecycle, strings.Join(Lifecycles(), ", "))
	}
	if fe.checkText("environment", n.Environment, MaxKeyLen) && !envRE.MatchString(n.Environment) {
		fe.add("environment", "%q must be a lowercase name", n.Environment)
	}
	fe.checkText("snmp_profile", n.SNMPProfile, MaxKeyLen)
	n.Meta.validate(&fe)
	return fe.err("node")
}

// NodeFilter selects nodes in ListNodes. Empty fields do not filter.
type NodeFilter struct {
	Vendor    string
	Role      string
	Platform  string
	Location  string // path or ID; matches the location and its descendants
	Lifecycle string
	Tag       string
	// Environment keeps the nodes of this environment.
	Environment string
	// Search keeps the nodes whose name, FQDN, management address, model,
	// serial number or asset tag contains this text (any case).
	Search string
	// Compliance keeps the nodes by their stored policy results: one of
	// NodeCompliances ("fail": some result fails, "error": some result is
	// an error, "pass": results and none fails or is an error, "none": no
	// stored result).
	Compliance string
	// Sort orders the list by one of NodeSortKeys, descending with a
	// leading "-" (default: by FQDN).
	Sort string
	Page
}

// Node compliance states (NodeFilter.Compliance).
const (
	ComplianceFail  = "fail"
	ComplianceError = "error"
	CompliancePass  = "pass"
	ComplianceNone  = "none"
)

// NodeCompliances are the accepted values of NodeFilter.Compliance.
var NodeCompliances = []string{ComplianceFail, ComplianceError, CompliancePass, ComplianceNone}

// NodeSortKeys are the fields a node list may be sorted by (NodeFilter.Sort).
var NodeSortKeys = []string{"fqdn", "name", "vendor", "model", "role", "platform", "mgmt_ip", "lifecycle", "environment", "software_version"}

// NodeSortOrders are the accepted values of NodeFilter.Sort: each of
// NodeSortKeys ascending, then each descending.
func NodeSortOrders() []string {
	out := make([]string, 0, 2*len(NodeSortKeys))
	out = append(out, NodeSortKeys...)
	for _, k := range NodeSortKeys {
		out = append(out, "-"+k)
	}
	return out
}

// Page is the pagination of a list call: Limit with either Offset or Cursor (the
// opaque value returned as Next by the previous page).
type Page struct {
	Limit  int
	Offset int
	Cursor string
}

// NodeService manages nodes. Refs are an ID, a name or an FQDN.
type NodeService interface {
	CreateNode(ctx context.Context, n *Node, o WriteOptions) (*Node, error)
	GetNode(ctx context.Context, ref string) (*Node, error)
	ListNodes(ctx context.Context, f NodeFilter) (*List[Node], error)
	UpdateNode(ctx context.Context, ref string, p Patch, o WriteOptions) (*Node, error)
	DeleteNode(ctx context.Context, ref string, o DeleteOptions) error
}
