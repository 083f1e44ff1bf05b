// Package configdiff compares configurations: a line diff (unified with
// context, side-by-side, statistics, stable JSON), and
// a hierarchical diff that compares configtree statement trees and reports
// added, removed and changed statements with their parent path.
//
// The line diff anchors on lines that are unique in both inputs (patience
// diff) and solves the gaps between anchors with Myers' algorithm. It is
// written here rather than taken from go-udiff because go-udiff bounds its
// search depth and then reports most of a large configuration as changed
// when a few hundred scattered lines differ.
//
// The JSON forms (LineDiff and HierDiff) are stable: fields are only ever
// added, never renamed or removed.
package configdiff
