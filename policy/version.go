package policy

import "strings"

// Version is a parsed software version. Versions of network operating
// systems are compared component by component: runs of digits compare
// numerically, runs of letters compare case-insensitively, and separators
// ('.', '(', ')', '-', '_', '+', spaces) only split components. So
// 15.2(7)E3 < 15.2(7)E10, 17.9.4 < 17.9.4a < 17.10.1, 9.3(9) < 9.3(10),
// 4.31.2F < 4.31.10F and 21.4R3 < 21.4R3-S5 < 21.4R3-S5.4 < 21.4R3-S10.
//
// Two refinements make common schemes order correctly:
//   - pre-release words (alpha, beta, rc, pre, preview, dev, snapshot) sort
//     before the end of a version, so 1.0.0-rc.1 < 1.0.0; semver build
//     metadata after '+' is ignored and a leading 'v' is dropped;
//   - where one version has a number and the other letters at the same
//     place, the number is the later release (4.28.3M < 4.28.3.1M), except
//     for letters introduced by '-' (JunOS service releases: 20.4R3.8 <
//     20.4R3-S4).
type Version struct {
	Raw   string
	parts []vpart
}

type vpartKind uint8

const (
	vNum vpartKind = iota
	vAlpha
	vPre
)

type vpart struct {
	kind vpartKind
	dash bool   // introduced by '-'
	text string // digits without leading zeros, or lower-case letters
}

var preReleaseWords = map[string]bool{
	"alpha": true, "beta": true, "rc": true, "pre": true, "preview": true, "dev": true, "snapshot": true,
}

// ParseVersion parses a version string. It never fails: any string yields
// a comparable version (an empty one for strings without digits or letters).
func ParseVersion(s string) Version {
	v := Version{Raw: s}
	t := strings.TrimSpace(s)
	if i := strings.IndexByte(t, '+'); i >= 0 {
		t = t[:i]
	}
	if len(t) > 1 && (t[0] == 'v' || t[0] == 'V') && t[1] >= '0' && t[1] <= '9' {
		t = t[1:]
	}
	v.parts = make([]vpart, 0, 6)
	dash := false
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			d := strings.TrimLeft(t[i:j], "0")
			v.parts = append(v.parts, vpart{kind: vNum, dash: dash, text: d})
			dash = false
			i = j
		case isASCIILetter(c):
			j := i
			for j < len(t) && isASCIILetter(t[j]) {
				j++
			}
			w := strings.ToLower(t[i:j])
			k := vAlpha
			if preReleaseWords[w] {
				k = vPre
			}
			v.parts = append(v.parts, vpart{kind: k, dash: dash, text: w})
			dash = false
			i = j
		default:
			dash = c == '-'
			i++
		}
	}
	return v
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// String returns the original text.
func (v Version) String() string { return v.Raw }

// MarshalJSON encodes the version as its original string.
func (v Version) MarshalJSON() ([]byte, error) { return []byte(quoteString(v.Raw)), nil }

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	n := min(len(v.parts), len(w.parts))
	for i := range n {
		if c := comparePart(v.parts[i], w.parts[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.parts) > n:
		if v.parts[n].kind == vPre {
			return -1
		}
		return 1
	case len(w.parts) > n:
		if w.parts[n].kind == vPre {
			return 1
		}
		return -1
	}
	return 0
}

// rank orders component classes: pre-release words, letters glued to the
// version, numbers, letters introduced by '-'. A fixed class order keeps
// the comparison a total order (transitive) for any input.
func (p vpart) rank() int {
	switch {
	case p.kind == vPre:
		return 0
	case p.kind == vAlpha && !p.dash:
		return 1
	case p.kind == vNum:
		return 2
	}
	return 3
}

func comparePart(a, b vpart) int {
	if ra, rb := a.rank(), b.rank(); ra != rb {
		return cmpInt(ra, rb)
	}
	if a.kind == vNum && len(a.text) != len(b.text) {
		return cmpInt(len(a.text), len(b.text))
	}
	return strings.Compare(a.text, b.text)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareVersions compares two version strings with the rules of Version.
func CompareVersions(a, b string) int {
	return ParseVersion(a).Compare(ParseVersion(b))
}
