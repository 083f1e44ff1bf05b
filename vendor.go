package unet

import (
	"context"
	"regexp"
	"strings"
)

// Vendor is an entry of the vendor registry. Nodes name their vendor by Name.
type Vendor struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

var vendorRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// DefaultVendors seeds the registry of a new database.
var DefaultVendors = []Vendor{
	{"arista", "Arista Networks"},
	{"cisco", "Cisco Systems"},
	{"fortinet", "Fortinet"},
	{"generic", "Generic"},
	{"hpe", "Hewlett Packard Enterprise"},
	{"juniper", "Juniper Networks"},
	{"nokia", "Nokia"},
	{"paloalto", "Palo Alto Networks"},
}

// Normalize lowercases the key and defaults the display name.
func (v *Vendor) Normalize() {
	v.Name = strings.ToLower(strings.TrimSpace(v.Name))
	v.DisplayName = strings.TrimSpace(v.DisplayName)
	if v.DisplayName == "" {
		v.DisplayName = v.Name
	}
}

// Validate checks the vendor key and display name.
func (v *Vendor) Validate() error {
	var fe fieldErrors
	switch {
	case v.Name == "":
		fe.add("name", "is required")
	case !fe.checkText("name", v.Name, MaxKeyLen):
	case !vendorRE.MatchString(v.Name):
		fe.add("name", "%q must be a lowercase key (letters, digits, '-', '_')", v.Name)
	}
	fe.checkText("display_name", v.DisplayName, MaxNameLen)
	return fe.err("vendor")
}

// VendorService manages the vendor registry.
type VendorService interface {
	ListVendors(ctx context.Context) ([]Vendor, error)
	CreateVendor(ctx context.Context, v *Vendor, o WriteOptions) (*Vendor, error)
}
