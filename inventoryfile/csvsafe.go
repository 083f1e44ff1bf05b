package inventoryfile

import "strings"

// CSV cells are protected against formula injection the way OWASP recommends:
// a spreadsheet runs a cell that begins with '=', '+', '-' or '@' (and, in
// some programs, a tab or carriage return) as a formula, so such a cell is
// written with a single quote in front, which spreadsheets show as text.
//
// To keep export → import the identity, the quote is itself escaped: a cell
// whose value begins with a quote gets one more. Import removes exactly one
// leading quote from every cell that has one. The scheme is unambiguous:
//
//	value      cell
//	=SUM(A1)   '=SUM(A1)
//	-48V DC    '-48V DC
//	'quoted'   ''quoted'
//	plain      plain
//
// A hand-written CSV cell that is meant to begin with a quote must therefore
// begin with two.

// formulaStart lists the first characters that make a cell a formula, plus
// the quote that marks a protected cell.
const formulaStart = "=+-@\t\r'"

// neutraliseCell protects one cell for export.
func neutraliseCell(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// restoreCell undoes neutraliseCell on import.
func restoreCell(s string) string {
	return strings.TrimPrefix(s, "'")
}
