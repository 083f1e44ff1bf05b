package configtree

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpus returns every configuration available to property tests: the
// sample configurations, the conformance corpus and the local fixtures.
func corpus(t testing.TB) map[string]string {
	t.Helper()
	out := sampleConfigs(t)
	for folder, d := range conformanceDialects {
		files, _ := filepath.Glob(filepath.Join(conformanceDir, folder, "*.conf"))
		for _, f := range files {
			out[f] = d
		}
	}
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*.cfg"))
	for _, f := range fixtures {
		out[f] = filepath.Ext(strings.TrimSuffix(f, ".cfg"))[1:]
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSliceAllReturnsEverything: "*" and ".*" at the top level return every
// statement, i.e. exactly what emitting the parsed tree gives.
func TestSliceAllReturnsEverything(t *testing.T) {
	c := corpus(t)
	for _, path := range sortedKeys(c) {
		src := readConfig(t, path)
		tree, err := Parse(bytes.NewReader(src), c[path])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want := tree.String()
		for _, e := range []string{"*", ".*"} {
			got, err := SliceText(src, c[path], MustParseMatch(e))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: slice %q differs from the whole configuration (%d vs %d bytes)", path, e, len(got), len(want))
			}
		}
	}
}

// TestSliceIdempotent: slicing a slice with the same expression gives the
// slice again.
func TestSliceIdempotent(t *testing.T) {
	c := corpus(t)
	for _, path := range sortedKeys(c) {
		d := c[path]
		src := readConfig(t, path)
		exprs := append([]string{"*||*", "interface .*||.*", "router .*||.*||.*"}, goldenExpressions[d]...)
		for _, e := range exprs {
			m := MustParseMatch(e)
			once, err := SliceText(src, d, m)
			if err != nil {
				t.Fatal(err)
			}
			twice, err := SliceText([]byte(once), d, m)
			if err != nil {
				t.Fatalf("%s %q: reslicing: %v", path, e, err)
			}
			if once != twice {
				t.Errorf("%s %q: slice of the slice differs", path, e)
			}
		}
	}
}

// TestParseEmitParse: emitting a tree and parsing the text again gives the
// same statements (text, key, depth) in the same order.
func TestParseEmitParse(t *testing.T) {
	c := corpus(t)
	for _, path := range sortedKeys(c) {
		src := readConfig(t, path)
		t1, err := Parse(bytes.NewReader(src), c[path])
		if err != nil {
			t.Fatal(err)
		}
		t2, err := ParseString(t1.String(), c[path])
		if err != nil {
			t.Fatalf("%s: reparse: %v", path, err)
		}
		a, b := shape(t1), shape(t2)
		if len(a) != len(b) {
			t.Fatalf("%s: %d statements, %d after emit+parse", path, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s: statement %d: %q became %q", path, i, a[i], b[i])
				break
			}
		}
		if t2.String() != t1.String() {
			t.Errorf("%s: emit is not stable", path)
		}
	}
}

func shape(t *Tree) []string {
	var out []string
	for _, e := range t.Entries() {
		out = append(out, strings.Join(append(e.Parents, e.Line), "\x00")+"\x00"+string(rune('0'+e.Depth)))
	}
	return out
}

// TestSliceMatchesTreeSelection: the streaming slice equals the tree-based
// selection (SliceTree) for every corpus file and expression.
func TestSliceMatchesTreeSelection(t *testing.T) {
	c := corpus(t)
	for _, path := range sortedKeys(c) {
		d := c[path]
		src := readConfig(t, path)
		tree, err := Parse(bytes.NewReader(src), d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append([]string{"interface .*||.*", "*||*||*"}, goldenExpressions[d]...) {
			m := MustParseMatch(e)
			stream, _ := SliceText(src, d, m)
			sub, err := SliceTree(tree, m)
			if err != nil {
				t.Fatal(err)
			}
			if sub.String() != stream {
				t.Errorf("%s %q: SliceTree and Slice disagree", path, e)
			}
		}
	}
}

// TestJunosSetEquivalence: the same expression selects the same
// configuration in the curly-brace and the set rendering of a JunOS
// configuration (compared as set commands).
func TestJunosSetEquivalence(t *testing.T) {
	var files []string
	for key, d := range sampleConfigs(t) {
		if d == DialectJunos {
			files = append(files, key)
		}
	}
	sort.Strings(files)
	files = append(files, filepath.Join("testdata", "fixtures", "core.junos.cfg"))
	exprs := []string{
		"*", "system", "system||ntp", "system||ntp||server 192\\.0\\.2\\.10", "interfaces||ge-.*",
		"interfaces ge-0/0/0||unit 0", "interfaces||ge-0/0/[0-9]+||unit 0||family .*",
		"system||services||*", "system||domain-search||lab.*", "vlans||.*||vlan-id 1.*",
		"protocols||.*||interface .*", "snmp||community .*", "system||login||user .*||authentication",
		"interfaces||.*||unit||0",
	}
	for _, f := range files {
		src := readConfig(t, f)
		tree, err := Parse(bytes.NewReader(src), DialectJunos)
		if err != nil {
			t.Fatal(err)
		}
		set, err := SetCommands(tree)
		if err != nil {
			t.Fatal(err)
		}
		setText := strings.Join(set, "\n") + "\n"
		for _, e := range exprs {
			m := MustParseMatch(e)
			curly, err := SliceTree(tree, m)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := SetCommands(curly)
			got, err := SliceString(setText, DialectJunosSet, m)
			if err != nil {
				t.Fatal(err)
			}
			gotLines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if got == "" {
				gotLines = nil
			}
			if listElementExprs[e] {
				// A "[ ... ]" list is one statement in curly format: selecting
				// one element selects the whole list there, only the element
				// in set format. The set slice must be contained in it.
				if !containsAll(want, gotLines) {
					t.Errorf("%s %q: set slice %q not contained in curly slice %q", f, e, gotLines, want)
				}
				continue
			}
			if strings.Join(gotLines, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s %q:\nset slice:\n%s\ncurly slice as set:\n%s", f, e, got, strings.Join(want, "\n"))
			}
		}
	}
}

// listElementExprs select single elements of "[ ... ]" lists.
var listElementExprs = map[string]bool{"system||domain-search||lab.*": true}

func containsAll(have, want []string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func TestDetect(t *testing.T) {
	want := map[string]string{"ios": DialectIOS, "nxos": DialectNXOS, "eos": DialectEOS, "iosxr": DialectIOSXR, "junos": DialectJunos}
	for path := range sampleConfigs(t) {
		src := readConfig(t, path)
		det := Detect(src)
		if w := want[filepath.Base(filepath.Dir(path))]; det.Dialect != w {
			t.Errorf("%s: detected %s (%s), want %s", path, det.Dialect, det.Reason, w)
		}
		if det.Reason == "" {
			t.Errorf("%s: no reason", path)
		}
	}
	for folder, d := range conformanceDialects {
		files, _ := filepath.Glob(filepath.Join(conformanceDir, folder, "*_full.conf"))
		for _, f := range files {
			src, _ := os.ReadFile(f)
			if det := Detect(src); det.Dialect != d {
				t.Errorf("%s: detected %s (%s), want %s", f, det.Dialect, det.Reason, d)
			}
		}
	}
	if d := Detect([]byte("hostname a\nip route 0.0.0.0 0.0.0.0 1.1.1.1\n")); d.Dialect != DialectFlat {
		t.Errorf("flat text detected as %s", d.Dialect)
	}
	tree, err := ParseString("set system host-name r\nset system ntp server 1.1.1.1\n", "auto")
	if err != nil || tree.Dialect != DialectJunosSet || tree.Detection == nil {
		t.Fatalf("auto parse: %v %+v", err, tree)
	}
	tree, err = ParseString("set system host-name r\n", "junos")
	if err != nil || tree.Dialect != DialectJunosSet || tree.Detection == nil {
		t.Errorf("set-format junos input: %v %+v", err, tree)
	}
	if tr, _ := ParseString("x\n", "generic"); tr.Detection == nil {
		t.Error("generic does not detect")
	}
}
