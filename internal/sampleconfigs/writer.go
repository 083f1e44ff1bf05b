package sampleconfigs

import (
	"fmt"
	"strings"
)

// writer accumulates configuration text line by line.
type writer struct{ b strings.Builder }

// line writes one line: format and arguments as for fmt.Sprintf.
func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// raw writes text verbatim.
func (w *writer) raw(s string) { w.b.WriteString(s) }

func (w *writer) String() string { return w.b.String() }

// Words for descriptions and names.
var (
	sites     = []string{"ams", "fra", "lon", "par", "nyc", "sjc", "sin", "syd"}
	customers = []string{"ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "STARK", "WAYNE", "TYRELL"}
	roles     = []string{"users", "voice", "printers", "cameras", "guests", "servers", "storage", "mgmt"}
)

// banner is the body of the login/motd banners.
const banner = `*******************************************************************
*  Authorised access only. Activity on this device is logged and  *
*  monitored; disconnect now if you are not authorised.           *
*******************************************************************`

// wildcard returns the inverse (wildcard) mask of a prefix length.
func wildcard(bits int) string {
	m := ^(uint32(0xffffffff) << (32 - bits))
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}
