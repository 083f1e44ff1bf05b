// Package workload builds a synthetic but realistic inventory and rule set
// for benchmarking the policy engine: a mix of equality, IN, regex,
// version and custom_data rules over nodes of several vendors. The same
// rule specifications drive the μNet rules and, in the bench module, the
// equivalent Rego, so that both engines do the same work.
package workload

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Kind is the shape of a rule.
type Kind string

// Rule shapes.
const (
	// Version: WHEN platform and role THEN ASSERT version >= MinVersion.
	Version Kind = "version"
	// Equal: WHEN vendor and role THEN ASSERT device_type == DeviceType.
	Equal Kind = "equal"
	// In: WHEN role IN Roles AND environment == "production" THEN ASSERT
	// platform IN Platforms.
	In Kind = "in"
	// Regex: WHEN role THEN ASSERT name MATCHES Pattern.
	Regex Kind = "regex"
	// MinCount: WHEN role THEN ASSERT len(custom_data.<Path>) >= Count.
	MinCount Kind = "min_count"
	// Present: WHEN role THEN ASSERT custom_data.<Path> IS NOT NULL.
	Present Kind = "present"
	// Contains: WHEN role THEN ASSERT custom_data.<Path> CONTAINS Value.
	Contains Kind = "contains"
	// SetTier: WHEN environment == Environment THEN SET
	// custom_data.monitoring.tier TO Value.
	SetTier Kind = "set_tier"
	// Apply: WHEN platform THEN APPLY Value.
	Apply Kind = "apply"
)

// RuleSpec describes one benchmark rule.
type RuleSpec struct {
	ID          string
	Kind        Kind
	Vendor      string
	Platform    string
	Role        string
	Roles       []string
	Platforms   []string
	DeviceType  string
	MinVersion  string
	Pattern     string
	Path        []string
	Count       int
	Value       string
	Environment string
}

// Platforms of the synthetic inventory with their vendor and versions.
var platforms = []struct {
	name, vendor string
	versions     []string
	min          string
}{
	{"ios", "cisco", []string{"15.2(4)E10", "15.2(7)E3", "15.2(7)E8", "15.2(7)E10"}, "15.2(7)E4"},
	{"iosxe", "cisco", []string{"16.12.4", "17.6.1", "17.9.4", "17.9.4a", "17.12.2"}, "17.9.4"},
	{"nxos", "cisco", []string{"9.3(8)", "9.3(10)", "10.2(5)M", "10.3(4a)M"}, "9.3(10)"},
	{"iosxr", "cisco", []string{"7.3.2", "7.5.2", "7.9.2", "7.11.1"}, "7.5.2"},
	{"eos", "arista", []string{"4.28.3M", "4.29.5M", "4.30.6M", "4.31.2F"}, "4.30.1F"},
	{"junos", "juniper", []string{"20.4R3-S4", "21.4R3-S5.4", "22.4R3-S2", "23.2R1"}, "21.4R3-S5"},
}

var roles = []string{"core", "distribution", "access", "spine", "leaf", "border", "firewall"}

var sites = []string{"par", "lon", "fra", "ams", "nyc", "sfo", "sin", "syd"}

func deviceType(role string) string {
	switch role {
	case "firewall":
		return "firewall"
	case "border", "core":
		return "router"
	}
	return "switch"
}

// Specs returns the 100 benchmark rules.
func Specs() []RuleSpec {
	var s []RuleSpec
	add := func(r RuleSpec) {
		r.ID = fmt.Sprintf("%s-%02d", r.Kind, len(s)+1)
		s = append(s, r)
	}
	for _, p := range platforms { // 24 version rules
		for _, role := range []string{"core", "access", "leaf", "border"} {
			add(RuleSpec{Kind: Version, Platform: p.name, Role: role, MinVersion: p.min})
		}
	}
	for i := range 20 { // 20 equality rules
		p := platforms[i%len(platforms)]
		role := roles[i%len(roles)]
		add(RuleSpec{Kind: Equal, Vendor: p.vendor, Role: role, DeviceType: deviceType(role)})
	}
	for i := range 16 { // 16 IN rules
		rs := []string{roles[i%len(roles)], roles[(i+2)%len(roles)]}
		ps := []string{platforms[i%len(platforms)].name, platforms[(i+1)%len(platforms)].name, platforms[(i+3)%len(platforms)].name}
		add(RuleSpec{Kind: In, Roles: rs, Platforms: ps})
	}
	for i := range 16 { // 16 naming regex rules
		role := roles[i%len(roles)]
		pat := fmt.Sprintf(`^[a-z]{3}-%s[0-9]{2}$`, role)
		if i >= len(roles) {
			pat = fmt.Sprintf(`^(%s)-%s[0-9]+$`, strings.Join(sites, "|"), role)
		}
		if i >= 2*len(roles) {
			pat = `^[a-z0-9-]+$`
		}
		add(RuleSpec{Kind: Regex, Role: role, Pattern: pat})
	}
	for i := range 20 { // 20 custom_data rules
		role := roles[i%len(roles)]
		switch i % 4 {
		case 0:
			add(RuleSpec{Kind: MinCount, Role: role, Path: []string{"ntp_servers"}, Count: 2})
		case 1:
			add(RuleSpec{Kind: Present, Role: role, Path: []string{"snmp", "location"}})
		case 2:
			add(RuleSpec{Kind: Contains, Role: role, Path: []string{"aaa", "tacacs_servers"}, Value: "10.0.0.10"})
		case 3:
			add(RuleSpec{Kind: MinCount, Role: role, Path: []string{"syslog", "hosts"}, Count: 1})
		}
	}
	add(RuleSpec{Kind: SetTier, Environment: "lab", Value: "bronze"})
	add(RuleSpec{Kind: SetTier, Environment: "production", Value: "gold"})
	add(RuleSpec{Kind: Apply, Platform: "eos", Value: "eos/base.j2"})
	add(RuleSpec{Kind: Apply, Platform: "iosxe", Value: "ios/base.j2"})
	return s
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Source renders the rules in the μNet policy language.
func Source(specs []RuleSpec) string {
	var b strings.Builder
	for _, r := range specs {
		fmt.Fprintf(&b, "RULE %q SEVERITY medium\n", r.ID)
		cd := "custom_data." + strings.Join(r.Path, ".")
		switch r.Kind {
		case Version:
			fmt.Fprintf(&b, "WHEN node.platform == %q AND node.role == %q\nTHEN ASSERT version(node.software_version) >= version(%q)\n", r.Platform, r.Role, r.MinVersion)
		case Equal:
			fmt.Fprintf(&b, "WHEN node.vendor == %q AND node.role == %q\nTHEN ASSERT node.device_type == %q\n", r.Vendor, r.Role, r.DeviceType)
		case In:
			fmt.Fprintf(&b, "WHEN node.role IN %s AND node.environment == \"production\"\nTHEN ASSERT node.platform IN %s\n", quoteList(r.Roles), quoteList(r.Platforms))
		case Regex:
			fmt.Fprintf(&b, "WHEN node.role == %q\nTHEN ASSERT node.name MATCHES %q\n", r.Role, r.Pattern)
		case MinCount:
			fmt.Fprintf(&b, "WHEN node.role == %q\nTHEN ASSERT len(%s) >= %d\n", r.Role, cd, r.Count)
		case Present:
			fmt.Fprintf(&b, "WHEN node.role == %q\nTHEN ASSERT %s IS NOT NULL\n", r.Role, cd)
		case Contains:
			fmt.Fprintf(&b, "WHEN node.role == %q\nTHEN ASSERT %s CONTAINS %q\n", r.Role, cd, r.Value)
		case SetTier:
			fmt.Fprintf(&b, "WHEN node.environment == %q\nTHEN SET custom_data.monitoring.tier TO %q\n", r.Environment, r.Value)
		case Apply:
			fmt.Fprintf(&b, "WHEN node.platform == %q\nTHEN APPLY %q\n", r.Platform, r.Value)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Nodes returns n synthetic nodes (deterministic for a seed) as the maps
// the evaluator reads.
func Nodes(n int, seed uint64) []map[string]any {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]map[string]any, n)
	for i := range out {
		p := platforms[rng.IntN(len(platforms))]
		role := roles[rng.IntN(len(roles))]
		site := sites[rng.IntN(len(sites))]
		name := fmt.Sprintf("%s-%s%02d", site, role, i%100)
		if rng.IntN(20) == 0 {
			name = strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		}
		env := "production"
		if rng.IntN(10) == 0 {
			env = "lab"
		}
		cd := map[string]any{}
		ntp := make([]any, rng.IntN(4))
		for j := range ntp {
			ntp[j] = fmt.Sprintf("10.0.%d.%d", j, rng.IntN(4)+1)
		}
		cd["ntp_servers"] = ntp
		if rng.IntN(8) != 0 {
			cd["snmp"] = map[string]any{"location": site, "contact": "noc@example.net"}
		}
		if rng.IntN(6) != 0 {
			cd["aaa"] = map[string]any{"tacacs_servers": []any{"10.0.0.10", "10.0.0.11"}}
		}
		if rng.IntN(3) != 0 {
			cd["syslog"] = map[string]any{"hosts": []any{"10.0.1.5"}}
		}
		out[i] = map[string]any{
			"id":               fmt.Sprintf("00000000-0000-7000-8000-%012d", i),
			"name":             name,
			"vendor":           p.vendor,
			"platform":         p.name,
			"role":             role,
			"device_type":      deviceType(role),
			"software_version": p.versions[rng.IntN(len(p.versions))],
			"mgmt_ip":          fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			"environment":      env,
			"lifecycle":        "live",
			"tags":             []any{site},
			"custom_data":      cd,
		}
		if rng.IntN(25) == 0 {
			out[i]["device_type"] = "other"
		}
	}
	return out
}
