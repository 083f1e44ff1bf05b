package sampleconfigs

// Sample is one generated configuration.
type Sample struct {
	Dir     string // the dialect folder: ios, nxos, iosxr or junos
	Name    string // a file name, for example "branch-1.ios"
	Dialect string // the configtree dialect name
	Text    string
}

// Path is Dir/Name, the sample's name in test output and golden files.
func (s Sample) Path() string { return s.Dir + "/" + s.Name }

// All returns the standard samples in a fixed order: for each dialect two or
// three configurations of different devices and sizes, so that tests can
// compare configurations of one dialect with each other.
func All() []Sample {
	return []Sample{
		{"ios", "branch-1.ios", "ios", IOS(101, IOSOptions{Hostname: "ams-br1", AccessPorts: 24, ACLEntries: 12, Neighbors: 2})},
		{"ios", "branch-2.ios", "ios", IOS(102, IOSOptions{Hostname: "fra-br2", AccessPorts: 60, ACLEntries: 40, Neighbors: 6})},
		{"ios", "campus-core.ios", "ios", IOS(103, IOSOptions{Hostname: "lon-core1", AccessPorts: 96, ACLEntries: 150, Neighbors: 20})},
		{"nxos", "leaf-1.nxos", "nxos", NXOS(201, NXOSOptions{Hostname: "dc1-leaf1", Ports: 16, VRFs: 3, Spines: 2})},
		{"nxos", "leaf-2.nxos", "nxos", NXOS(202, NXOSOptions{Hostname: "dc1-leaf2", Ports: 32, VRFs: 5, Spines: 4})},
		{"iosxr", "pe-1.iosxr", "iosxr", IOSXR(301, IOSXROptions{Hostname: "ams-pe1", Interfaces: 12, Customers: 6, Neighbors: 3})},
		{"iosxr", "pe-2.iosxr", "iosxr", IOSXR(302, IOSXROptions{Hostname: "fra-pe2", Interfaces: 24, Customers: 14, Neighbors: 8})},
		{"junos", "access-1.junos", "junos", Junos(401, JunosOptions{Hostname: "ams-sw1", Ports: 8, Neighbors: 2, StaticNets: 4})},
		{"junos", "access-2.junos", "junos", Junos(402, JunosOptions{Hostname: "fra-sw2", Ports: 24, Neighbors: 4, StaticNets: 12})},
	}
}

// LargeIOS returns an IOS configuration of about 480 KB and 15,000 lines, a
// throughput benchmark input.
func LargeIOS() string {
	return IOS(500, IOSOptions{Hostname: "nyc-core1", AccessPorts: 1400, ACLEntries: 4500, Neighbors: 250})
}
