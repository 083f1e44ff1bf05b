// Package remgen generates deterministic pairs of running and intended
// device configurations for the differential, prediction and benchmark
// tests of package remediation.
//
// A pair starts from a random but realistic device model (hostname, AAA,
// NTP, SNMP and logging lines, VLANs, VRFs, interfaces, access lists, static
// routes and BGP with neighbours and address families). The intended side is
// a copy of the model to which a few changes are applied: values changed
// (descriptions, addresses, remote AS numbers, next hops), statements and
// whole sections added or removed, access-list entries added, removed or
// reordered. Both sides are then printed in the syntax of one dialect: Cisco
// IOS, NX-OS, IOS-XR, Arista EOS, and Juniper JunOS in both its curly-brace
// and its set form.
//
// Every pair is a pure function of its dialect and index (a SplitMix64
// generator seeded from both), so the committed reference outputs of
// hier_config stay valid on every platform and Go release.
package remgen
