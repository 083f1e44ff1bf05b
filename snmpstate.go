package unet

import (
	"context"
	"time"
)

// SNMPProfile is a named set of SNMP connection parameters. Credentials are
// secret references (env:NAME, file:/path, db:NAME), resolved only when polling; they
// are never stored as values.
type SNMPProfile struct {
	Name           string    `json:"name"`
	Version        string    `json:"version"` // 2c or 3
	CommunityRef   string    `json:"community_ref,omitempty"`
	User           string    `json:"user,omitempty"`
	AuthProto      string    `json:"auth_proto,omitempty"`
	AuthKeyRef     string    `json:"auth_key_ref,omitempty"`
	PrivProto      string    `json:"priv_proto,omitempty"`
	PrivKeyRef     string    `json:"priv_key_ref,omitempty"`
	Port           int       `json:"port,omitempty"`
	Timeout        string    `json:"timeout,omitempty"`  // Go duration, e.g. "2s"
	Retries        int       `json:"retries"`            // re-sends after a timeout (0: never)
	Interval       string    `json:"interval,omitempty"` // poll interval override, e.g. "5m"
	MaxRepetitions int       `json:"max_repetitions,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// DefaultSNMPProfile is the profile used by nodes whose node and location name
// none.
const DefaultSNMPProfile = "default"

// SystemInfo is the SNMPv2-MIB system group of a device.
type SystemInfo struct {
	Descr         string `json:"descr"`
	ObjectID      string `json:"object_id"`
	Name          string `json:"name"`
	Contact       string `json:"contact"`
	Location      string `json:"location"`
	UptimeSeconds int64  `json:"uptime_seconds"`
}

// NodeStatus is the derived (polled) state of a node.
type NodeStatus struct {
	NodeID              string     `json:"node_id"`
	Node                string     `json:"node"`
	Reachable           bool       `json:"reachable"`
	LastAttempt         time.Time  `json:"last_attempt"`
	LastSuccess         *time.Time `json:"last_success"`
	Error               string     `json:"error"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	Profile             string     `json:"profile"`
	System              SystemInfo `json:"system"`
	// Vendor, Platform and Version are detected from sysObjectID and sysDescr.
	Vendor      string     `json:"vendor"`
	Platform    string     `json:"platform"`
	Version     string     `json:"version"`
	CPUPercent  *float64   `json:"cpu_percent"`
	MemoryUsed  *uint64    `json:"memory_used"`
	MemoryTotal *uint64    `json:"memory_total"`
	NextPoll    *time.Time `json:"next_poll,omitempty"`
}

// InterfaceStatus is one polled interface (ifTable joined with ifXTable).
type InterfaceStatus struct {
	Index        int       `json:"index"`
	Name         string    `json:"name"`
	Descr        string    `json:"descr"`
	Alias        string    `json:"alias"`
	Type         int       `json:"type"`
	MTU          int       `json:"mtu"`
	Speed        uint64    `json:"speed"`
	MAC          string    `json:"mac"`
	AdminStatus  string    `json:"admin_status"`
	OperStatus   string    `json:"oper_status"`
	LastChange   time.Time `json:"last_change,omitzero"`
	InOctets     uint64    `json:"in_octets"`
	OutOctets    uint64    `json:"out_octets"`
	InUcastPkts  uint64    `json:"in_ucast_pkts"`
	OutUcastPkts uint64    `json:"out_ucast_pkts"`
	InErrors     uint64    `json:"in_errors"`
	OutErrors    uint64    `json:"out_errors"`
	InDiscards   uint64    `json:"in_discards"`
	OutDiscards  uint64    `json:"out_discards"`
	HighCapacity bool      `json:"high_capacity"`
}

// StatusSnapshot is one entry of a node's status history.
type StatusSnapshot struct {
	Time      time.Time `json:"time"`
	Reachable bool      `json:"reachable"`
	Version   string    `json:"version"`
	Error     string    `json:"error"`
	// Interfaces up/total at that time.
	InterfacesUp    int `json:"interfaces_up"`
	InterfacesTotal int `json:"interfaces_total"`
}

// DriftEntry is a node whose detected software version differs from the
// desired one.
type DriftEntry struct {
	Node            string    `json:"node"`
	Platform        string    `json:"platform"`
	DesiredVersion  string    `json:"desired_version"`
	DetectedVersion string    `json:"detected_version"`
	LastSuccess     time.Time `json:"last_success"`
}

// SNMPService manages SNMP profiles and the polled state of nodes.
type SNMPService interface {
	CreateSNMPProfile(ctx context.Context, p *SNMPProfile, o WriteOptions) (*SNMPProfile, error)
	ListSNMPProfiles(ctx context.Context) ([]SNMPProfile, error)
	GetSNMPProfile(ctx context.Context, name string) (*SNMPProfile, error)
	DeleteSNMPProfile(ctx context.Context, name string, o DeleteOptions) error
	PollNode(ctx context.Context, ref, profile string) (*NodeStatus, error)
	GetNodeStatus(ctx context.Context, ref string) (*NodeStatus, error)
	ListNodeInterfaces(ctx context.Context, ref string) ([]InterfaceStatus, error)
	ListNodeHistory(ctx context.Context, ref string, since time.Time) ([]StatusSnapshot, error)
	ListDrift(ctx context.Context) ([]DriftEntry, error)
}
