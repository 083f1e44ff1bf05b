// Package sampleconfigs generates realistic device configurations in the
// Cisco IOS, NX-OS, IOS-XR and Juniper JunOS (curly-brace) dialects for the
// tests and benchmarks of the configuration parser, slicer and differ.
//
// The configurations are written for μNet rather than copied from public
// collections, so the repository carries no third-party configurations under
// licences it cannot redistribute. Every sample is produced from a fixed seed
// by a small self-contained pseudo-random generator: the same seed gives the
// same text on every platform and Go release, so golden files stay valid.
//
// A sample covers what the dialect's parser has to get right: interfaces and
// sub-interfaces, VLANs, VRFs, routing protocols with nested address
// families, access lists, prefix lists and route maps or route policies, QoS
// class and policy maps, multi-line banners, comments, and for JunOS nested
// blocks, quoted strings, "[ ... ]" lists, inactive statements and comments.
package sampleconfigs
