package configtree

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// blockCloseWords are the closing lines each dialect may produce.
var blockCloseWords = map[string][]string{
	DialectFortiOS: {"next", "end"},
	DialectSROS:    {"exit"},
	DialectRADETX:  {"exit"},
	DialectOnyx:    nil,
}

// TestBlockDialectsProperties checks, on every configuration of
// testdata/netutils for the FortiOS, SR OS, RAD ETX and Onyx dialects: the
// emitted tree parses back to the same text, statements come in line order
// with depths one deeper than their parents, closing lines are the
// dialect's own and come after the block's last statement, keys are the
// text without indentation (echo banners: their title), CRLF line ends
// give the same tree, and slicing with "*" reproduces the emitted tree.
func TestBlockDialectsProperties(t *testing.T) {
	var folders []string
	for f := range netutils1Folders {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, folder := range folders {
		dialect := netutils1Folders[folder].dialect
		confs, _ := filepath.Glob(filepath.Join(netutils1Dir, folder, "*.conf"))
		for _, c := range confs {
			name := strings.TrimSuffix(filepath.Base(c), ".conf")
			src := netutils1Config(t, folder, name)
			tree, err := ParseString(src, dialect)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if tree.Dialect != dialect {
				t.Errorf("%s: dialect %q, want %q", name, tree.Dialect, dialect)
			}
			emitted := tree.String()
			again, err := ParseString(emitted, dialect)
			if err != nil || again.String() != emitted {
				t.Errorf("%s: emitted tree does not parse back to itself (%v)", name, err)
			}
			last := 0
			closes := 0
			tree.Walk(func(st *Statement, parents []*Statement) bool {
				if st.Line <= last {
					t.Errorf("%s: statement at line %d after line %d", name, st.Line, last)
				}
				last = st.Line
				if st.Depth != len(parents) {
					t.Errorf("%s line %d: depth %d with %d parents", name, st.Line, st.Depth, len(parents))
				}
				key := strings.TrimLeft(st.Text, " \t")
				if strings.HasPrefix(key, `echo "`) {
					key = echoTitleString(key)
				}
				if st.Key != key {
					t.Errorf("%s line %d: key %q for text %q", name, st.Line, st.Key, st.Text)
				}
				if st.Close != "" {
					closes++
					word := strings.TrimSpace(st.Close)
					ok := false
					for _, w := range blockCloseWords[dialect] {
						ok = ok || w == word
					}
					if !ok || st.CloseLine <= st.Line {
						t.Errorf("%s line %d: closing line %q at %d", name, st.Line, st.Close, st.CloseLine)
					}
					if n := len(st.Children); n > 0 && st.Children[n-1].Line >= st.CloseLine {
						t.Errorf("%s line %d: closed at %d before its last child", name, st.Line, st.CloseLine)
					}
				}
				return true
			})
			if (closes == 0) != (len(blockCloseWords[dialect]) == 0) {
				t.Errorf("%s: %d closing lines", name, closes)
			}
			crlf, err := ParseString(strings.ReplaceAll(src, "\n", "\r\n"), dialect)
			if err != nil || crlf.String() != emitted {
				t.Errorf("%s: CRLF line ends change the tree (%v)", name, err)
			}
			all, err := SliceString(src, dialect, MustParseMatch("*"))
			if err != nil || all != emitted {
				t.Errorf("%s: slice \"*\" differs from the emitted tree (%v)", name, err)
			}
		}
	}
}

// TestBlockDialectsSliceJSON: JSON slices list closing lines with
// "close": true at the depth of the block they close.
func TestBlockDialectsSliceJSON(t *testing.T) {
	src := "config firewall address\n    edit \"a\"\n        set subnet 10.0.0.0 255.0.0.0\n    next\n    edit \"b\"\n    next\nend\n"
	var b bytes.Buffer
	res, err := Slice(&b, strings.NewReader(src), SliceOptions{Dialect: "fortinet_fortios", JSON: true}, MustParseMatch(`config firewall address||edit "a"`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Dialect != DialectFortiOS || res.Matched != 1 || res.Statements != 3 {
		t.Errorf("result %+v", res)
	}
	var got []Entry
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := []Entry{
		{Line: "config firewall address", Parents: []string{}, LineNo: 1},
		{Line: `    edit "a"`, Parents: []string{"config firewall address"}, LineNo: 2, Depth: 1},
		{Line: "        set subnet 10.0.0.0 255.0.0.0", Parents: []string{"config firewall address", `    edit "a"`}, LineNo: 3, Depth: 2},
		{Line: "    next", Parents: []string{"config firewall address"}, LineNo: 4, Depth: 1, Close: true},
		{Line: "end", Parents: []string{}, LineNo: 7, Close: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %s", len(got), len(want), b.String())
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Line != w.Line || !equalStrings(g.Parents, w.Parents) || g.LineNo != w.LineNo || g.Depth != w.Depth || g.Close != w.Close {
			t.Errorf("entry %d: got %+v, want %+v", i, g, w)
		}
	}
}

// TestBlockDialectNames: canonical names and netutils aliases resolve, and
// the canonical list stays sorted.
func TestBlockDialectNames(t *testing.T) {
	for alias, want := range map[string]string{
		"fortios": DialectFortiOS, "fortinet_fortios": DialectFortiOS, "FORTINET": DialectFortiOS,
		"sros": DialectSROS, "nokia_sros": DialectSROS,
		"rad-etx": DialectRADETX, "rad_etx": DialectRADETX,
		"onyx": DialectOnyx, "nvidia_onyx": DialectOnyx, "mellanox": DialectOnyx,
	} {
		got, err := NormalizeDialect(alias)
		if err != nil || got != want {
			t.Errorf("NormalizeDialect(%q) = %q, %v; want %q", alias, got, err, want)
		}
	}
	names := Dialects()
	if !sort.StringsAreSorted(names) {
		t.Errorf("Dialects() not sorted: %v", names)
	}
	for _, d := range []string{DialectFortiOS, DialectSROS, DialectRADETX, DialectOnyx} {
		if i := sort.SearchStrings(names, d); i == len(names) || names[i] != d {
			t.Errorf("Dialects() lacks %s", d)
		}
	}
	if _, err := NormalizeDialect("nokia"); err == nil || !strings.Contains(err.Error(), "rad-etx") {
		t.Errorf("unknown dialect error %v does not list the dialects", err)
	}
}
