package snmp

import "time"

// System is the SNMPv2-MIB system group of an agent.
type System struct {
	Descr    string `json:"descr"`
	ObjectID string `json:"object_id"`
	// UpTime is sysUpTime: time since the agent (re)started.
	UpTime   time.Duration `json:"uptime_ns"`
	Name     string        `json:"name"`
	Contact  string        `json:"contact"`
	Location string        `json:"location"`
}

// Interface is one row of ifTable joined with ifXTable.
type Interface struct {
	Index int `json:"index"`
	// Name is ifName, or ifDescr when the agent has no ifXTable.
	Name  string `json:"name"`
	Descr string `json:"descr"`
	Alias string `json:"alias"`
	// Type is the IANAifType number (6 ethernetCsmacd, 24 softwareLoopback,
	// 53 propVirtual, 161 ieee8023adLag, ...).
	Type int `json:"type"`
	MTU  int `json:"mtu"`
	// Speed is in bits per second, from ifHighSpeed when the interface is
	// faster than ifSpeed can express.
	Speed uint64 `json:"speed"`
	// MAC is ifPhysAddress as colon-separated lower-case hex; empty when the
	// interface has none.
	MAC         string `json:"mac"`
	AdminStatus string `json:"admin_status"`
	OperStatus  string `json:"oper_status"`
	// LastChange is when the interface entered its current operational
	// state, computed from ifLastChange and sysUpTime; zero when unknown.
	LastChange time.Time `json:"last_change,omitzero"`
	// Counters use the 64-bit ifXTable objects when the agent has them
	// (HighCapacity is then true) and the 32-bit ifTable ones otherwise.
	InOctets     uint64 `json:"in_octets"`
	OutOctets    uint64 `json:"out_octets"`
	InUcastPkts  uint64 `json:"in_ucast_pkts"`
	OutUcastPkts uint64 `json:"out_ucast_pkts"`
	InErrors     uint64 `json:"in_errors"`
	OutErrors    uint64 `json:"out_errors"`
	InDiscards   uint64 `json:"in_discards"`
	OutDiscards  uint64 `json:"out_discards"`
	HighCapacity bool   `json:"high_capacity"`
}

// PollResult is everything one poll of a device returned.
type PollResult struct {
	TargetID string `json:"target_id"`
	// Addr is the polled agent, "host:port".
	Addr string `json:"addr"`
	// Time is when the poll started (UTC).
	Time time.Time `json:"time"`
	// Duration is how long the poll took.
	Duration time.Duration `json:"duration_ns"`
	// Requests is the number of SNMP requests answered during the poll.
	Requests int    `json:"requests"`
	System   System `json:"system"`
	// Enterprise is the private enterprise number of sysObjectID
	// (9 Cisco, 2636 Juniper, 30065 Arista, ...); 0 when not under
	// 1.3.6.1.4.1.
	Enterprise uint32 `json:"enterprise"`
	// Vendor is the vendor derived from Enterprise ("cisco", "juniper", ...),
	// empty when the number is not known.
	Vendor string `json:"vendor"`
	// Platform and Version are parsed from sysDescr ("ios-xe", "17.9.4a").
	Platform Platform `json:"platform"`
	Version  string   `json:"version"`
	// CPUPercent, MemoryUsed and MemoryTotal (bytes) come from vendor MIBs or
	// HOST-RESOURCES-MIB; nil when the device does not expose them.
	CPUPercent  *float64    `json:"cpu_percent,omitempty"`
	MemoryUsed  *uint64     `json:"memory_used,omitempty"`
	MemoryTotal *uint64     `json:"memory_total,omitempty"`
	Interfaces  []Interface `json:"interfaces"`
}

// adminStatusName names an ifAdminStatus value.
func adminStatusName(v int) string {
	switch v {
	case 1:
		return "up"
	case 2:
		return "down"
	case 3:
		return "testing"
	case 0:
		return ""
	}
	return "unknown"
}

// operStatusName names an ifOperStatus value.
func operStatusName(v int) string {
	switch v {
	case 1:
		return "up"
	case 2:
		return "down"
	case 3:
		return "testing"
	case 5:
		return "dormant"
	case 6:
		return "notPresent"
	case 7:
		return "lowerLayerDown"
	case 0:
		return ""
	}
	return "unknown"
}
