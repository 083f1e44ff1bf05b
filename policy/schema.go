package policy

// Field names of the object model, from the inventory specification. The
// checker reports references to other fields of these roots. custom_data,
// status and interfaces are open: any sub-path is accepted.

func isNodeField(name string) bool {
	switch name {
	case "id", "name", "domain", "fqdn", "vendor", "model", "role", "device_type",
		"platform", "mgmt_ip", "software_version", "serial_number", "asset_tag",
		"location_id", "lifecycle", "environment", "snmp_profile", "tags",
		"custom_data", "version", "created_at", "updated_at":
		return true
	}
	return false
}

func isLocationField(name string) bool {
	switch name {
	case "id", "name", "type", "parent_id", "path", "description", "address",
		"lifecycle", "ancestors", "tags", "custom_data", "version", "created_at",
		"updated_at":
		return true
	}
	return false
}

func isLinkField(name string) bool {
	switch name {
	case "id", "name", "a", "z", "a_node_id", "a_interface", "z_node_id",
		"z_interface", "role", "bandwidth_bps", "circuit_id", "provider",
		"description", "lifecycle", "tags", "custom_data", "version",
		"created_at", "updated_at":
		return true
	}
	return false
}

// listField reports fields that hold lists, whose sub-paths are indexes.
func listField(name string) bool {
	return name == "tags" || name == "ancestors"
}

// rootNames lists the roots a field reference may start with.
const rootNames = "node, custom_data, location, status, interfaces or link"
