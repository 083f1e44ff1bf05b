// Package configdiff compares configurations: a line diff (unified with
// context, side-by-side, statistics, stable JSON) built on a Myers diff, and
// a hierarchical diff that compares configtree statement trees and reports
// added, removed and changed statements with their parent path.
//
// The JSON forms (LineDiff and HierDiff) are stable: fields are only ever
// added, never renamed or removed.
package configdiff
