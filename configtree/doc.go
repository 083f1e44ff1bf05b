// Package configtree parses network device configurations into statement
// trees and slices them with match expressions.
//
// A configuration is read as a stream of statements. Every statement keeps its
// text as written (trailing whitespace removed), its 1-based line number and
// its depth in the hierarchy. Dialect parsers exist for Cisco IOS/IOS-XE
// ("ios"), NX-OS ("nxos"), Arista EOS ("eos"), IOS-XR ("iosxr"), JunOS
// curly-brace ("junos"), JunOS set format ("junos-set") and unstructured text
// ("flat"); "auto" detects the dialect from the content.
//
// Block-terminated formats have parsers too: Fortinet FortiOS ("fortios":
// config/edit/next/end), Nokia SR OS classic CLI ("sros") and RAD ETX
// ("rad-etx"), whose blocks end with "exit", and NVIDIA Onyx ("onyx"), whose
// commands are flat. Their netutils names are accepted as aliases.
//
// A match expression ("level||level||...") selects statements level by level:
// each level is "*" or a regular expression that must match the whole
// statement at that depth. Slicing returns the selected statements with all
// their descendants, preceded by their ancestors, in original order. Slicing
// works on a stream: memory depends on the current ancestor path only.
package configtree
