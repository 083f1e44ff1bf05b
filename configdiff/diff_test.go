package configdiff

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/internal/sampleconfigs"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func readTree(t testing.TB, path, dialect string) *configtree.Tree {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := configtree.Parse(f, dialect)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tr
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n%s", path, got)
	}
}

// applyHunks rebuilds one side of a diff from the other and the hunks.
func applyHunks(t *testing.T, a string, d *LineDiff) string {
	t.Helper()
	lines := strings.SplitAfter(withNewline(a), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []string
	next := 0 // next line of a to copy (0-based)
	for _, h := range d.Hunks {
		start := h.FromLine - 1
		if h.FromCount == 0 {
			start = h.FromLine
		}
		out = append(out, lines[next:start]...)
		next = start
		for _, l := range h.Lines {
			switch l.Op {
			case OpEqual:
				if strings.TrimSuffix(lines[next], "\n") != l.Text {
					t.Fatalf("context mismatch at line %d: %q vs %q", next+1, lines[next], l.Text)
				}
				out = append(out, lines[next])
				next++
			case OpDelete:
				next++
			case OpInsert:
				out = append(out, l.Text+"\n")
			}
		}
	}
	out = append(out, lines[next:]...)
	return strings.Join(out, "")
}

func TestLinesApplyRoundTrip(t *testing.T) {
	pairs := [][2]string{
		{"testdata/running.ios", "testdata/intended.ios"},
		{"generated/ios/branch-1.ios", "generated/ios/campus-core.ios"},
		{"generated/iosxr/pe-1.iosxr", "generated/iosxr/pe-2.iosxr"},
		{"generated/nxos/leaf-1.nxos", "generated/nxos/leaf-2.nxos"},
		{"generated/junos/access-1.junos", "generated/junos/access-2.junos"},
		{"../testdata/configs/eos/dc1-leaf1a.cfg", "../testdata/configs/eos/dc1-spine1.cfg"},
	}
	for _, p := range pairs {
		a, b := readSample(t, p[0]), readSample(t, p[1])
		for _, ctx := range []int{0, 1, 3, 10} {
			d := Lines("a", "b", string(a), string(b), ctx)
			if d.Equal {
				t.Fatalf("%v reported equal", p)
			}
			if got := applyHunks(t, string(a), d); got != withNewline(string(b)) {
				t.Errorf("%v context %d: applying the hunks does not rebuild b", p, ctx)
			}
			for _, h := range d.Hunks {
				n := 0
				for _, l := range h.Lines {
					if l.Op == OpEqual {
						n++
					} else {
						n = 0
					}
					if n > 2*ctx+1 && ctx > 0 {
						t.Errorf("%v: more than %d context lines in a row", p, 2*ctx)
					}
				}
			}
		}
	}
}

// TestUnifiedMatchesGNUDiff compares the change counts with GNU diff -u on
// the same inputs.
func TestUnifiedMatchesGNUDiff(t *testing.T) {
	diffPath, err := exec.LookPath("diff")
	if err != nil {
		t.Fatal("GNU diff is needed for this test: apt-get install -y diffutils")
	}
	a, b := "testdata/running.ios", "testdata/intended.ios"
	out, _ := exec.Command(diffPath, "-u", a, b).Output()
	var gnuAdd, gnuDel int
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			gnuAdd++
		case strings.HasPrefix(l, "-"):
			gnuDel++
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	d := Lines(a, b, string(ab), string(bb), 3)
	if d.Stats.Added != gnuAdd || d.Stats.Removed != gnuDel {
		t.Errorf("stats +%d -%d, GNU diff +%d -%d", d.Stats.Added, d.Stats.Removed, gnuAdd, gnuDel)
	}
	// The hunk headers of GNU diff and ours agree on this input.
	var gnuHeads, ours []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "@@") {
			gnuHeads = append(gnuHeads, l)
		}
	}
	for _, l := range strings.Split(d.Unified(), "\n") {
		if strings.HasPrefix(l, "@@") {
			ours = append(ours, l)
		}
	}
	if strings.Join(gnuHeads, "\n") != strings.Join(ours, "\n") {
		t.Errorf("hunk headers differ:\nGNU:\n%s\nours:\n%s", strings.Join(gnuHeads, "\n"), strings.Join(ours, "\n"))
	}
}

func TestLinesEqualAndStats(t *testing.T) {
	if !Equal("a\nb\n", "a\nb") || Equal("a\n", "b\n") {
		t.Error("Equal is wrong")
	}
	d := Lines("a", "b", "x\n", "x", 3)
	if !d.Equal || d.Unified() != "" || len(d.Hunks) != 0 {
		t.Errorf("equal texts: %+v", d)
	}
	d = Lines("a", "b", "", "x\ny\n", 3)
	if d.Stats.Added != 2 || d.Stats.Removed != 0 || d.Unified() != "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n" {
		t.Errorf("from empty: %q", d.Unified())
	}
	d = Lines("a", "b", "1\n2\n3\n", "1\n2\n3\n4\n", 0)
	if got := d.Unified(); got != "--- a\n+++ b\n@@ -3,0 +4 @@\n+4\n" {
		t.Errorf("append with no context: %q", got)
	}
	var s bytes.Buffer
	_ = d.WriteStats(&s)
	if s.String() != "1 lines added, 0 removed in 1 hunks\n" {
		t.Errorf("stats: %q", s.String())
	}
}

func TestRenderGolden(t *testing.T) {
	a, _ := os.ReadFile("testdata/running.ios")
	b, _ := os.ReadFile("testdata/intended.ios")
	d := Lines("running.ios", "intended.ios", string(a), string(b), 2)
	checkGolden(t, "unified.golden", d.Unified())
	var sbs bytes.Buffer
	if err := d.WriteSideBySide(&sbs, RenderOptions{Width: 90}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "side-by-side.golden", sbs.String())
	js, _ := json.MarshalIndent(d, "", "  ")
	checkGolden(t, "lines.json.golden", string(js)+"\n")

	var col bytes.Buffer
	_ = d.WriteUnified(&col, RenderOptions{Color: true})
	if !strings.Contains(col.String(), ansiRed) || !strings.Contains(col.String(), ansiGreen) {
		t.Error("colour output has no colours")
	}
	if strings.Contains(d.Unified(), "\x1b[") {
		t.Error("plain output has escape codes")
	}
}

func TestHierarchicalGolden(t *testing.T) {
	a := readTree(t, "testdata/running.ios", "ios")
	b := readTree(t, "testdata/intended.ios", "ios")
	d := Hierarchical("running.ios", "intended.ios", a, b)
	js, _ := json.MarshalIndent(d, "", "  ")
	checkGolden(t, "hier.json.golden", string(js)+"\n")
	var txt bytes.Buffer
	if err := d.WriteText(&txt, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "hier.golden", txt.String())
}

func TestHierarchicalCases(t *testing.T) {
	tests := []struct {
		name, dialect, a, b string
		want                []string // "op path|key[|old]"
	}{
		{"reordered top level is equal", "ios", "hostname r\nntp server 1\nntp server 2\n", "ntp server 2\nntp server 1\nhostname r\n", nil},
		{"moved section reports nothing", "ios", "interface Gi1\n shutdown\nrouter bgp 1\n neighbor x remote-as 1\n", "router bgp 1\n neighbor x remote-as 1\ninterface Gi1\n shutdown\n", nil},
		{"changed value", "ios", "hostname a\n", "hostname b\n", []string{"changed |hostname b|hostname a"}},
		{"changed ip address", "ios", "interface Gi1\n ip address 10.0.0.1 255.0.0.0\n ip ospf cost 10\n", "interface Gi1\n ip address 10.0.0.2 255.0.0.0\n ip ospf cost 10\n",
			[]string{"changed interface Gi1|ip address 10.0.0.2 255.0.0.0|ip address 10.0.0.1 255.0.0.0"}},
		{"unrelated leaves are not a change", "ios", "interface Gi1\n ip address 10.0.0.1 255.0.0.0\n", "interface Gi1\n ip ospf cost 10\n",
			[]string{"removed interface Gi1|ip address 10.0.0.1 255.0.0.0", "added interface Gi1|ip ospf cost 10"}},
		{"sections are added and removed whole", "ios", "interface Gi1\n shutdown\n", "interface Gi2\n shutdown\n",
			[]string{"removed |interface Gi1", "added |interface Gi2"}},
		{"acl order matters", "ios", "ip access-list extended X\n permit a\n deny b\n", "ip access-list extended X\n deny b\n permit a\n",
			[]string{"removed ip access-list extended X|deny b", "added ip access-list extended X|deny b"}},
		{"numbered acl order matters", "ios", "access-list 1 permit a\naccess-list 1 deny b\nhostname r\n", "hostname r\naccess-list 1 deny b\naccess-list 1 permit a\n",
			[]string{"removed |access-list 1 deny b", "added |access-list 1 deny b"}},
		{"junos keys ignore terminators", "junos", "system {\n    host-name r;\n}\n", "system { host-name r; }\n", nil},
		{"junos changed leaf", "junos", "system {\n    host-name a;\n}\n", "system {\n    host-name b;\n}\n", []string{"changed system|host-name b|host-name a"}},
		{"duplicates count", "flat", "a\na\n", "a\n", []string{"removed |a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := configtree.ParseString(tc.a, tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			b, err := configtree.ParseString(tc.b, tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			d := Hierarchical("a", "b", a, b)
			var got []string
			for _, c := range d.Changes {
				s := c.Op + " " + strings.Join(c.Path, " > ") + "|" + c.Key
				if c.OldKey != "" {
					s += "|" + c.OldKey
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if d.Equal != (len(tc.want) == 0) {
				t.Errorf("Equal = %v", d.Equal)
			}
		})
	}
}

// corpusTrees parses the sample configurations grouped by dialect: the
// EOS files of ../testdata/configs and the generated IOS, NX-OS, IOS-XR
// and JunOS configurations.
func corpusTrees(t *testing.T) map[string][]*configtree.Tree {
	t.Helper()
	out := map[string][]*configtree.Tree{}
	files, _ := filepath.Glob(filepath.Join("../testdata/configs/eos", "*.cfg"))
	if len(files) == 0 {
		t.Fatal("no EOS sample configurations in ../testdata/configs/eos")
	}
	sort.Strings(files)
	for _, f := range files {
		out["eos"] = append(out["eos"], readTree(t, f, "eos"))
	}
	for _, s := range sampleconfigs.All() {
		tr, err := configtree.ParseString(s.Text, s.Dialect)
		if err != nil {
			t.Fatalf("%s: %v", s.Path(), err)
		}
		out[s.Dir] = append(out[s.Dir], tr)
	}
	for _, d := range []string{"ios", "nxos", "iosxr", "junos"} {
		if len(out[d]) < 2 {
			t.Fatalf("fewer than two %s samples", d)
		}
	}
	return out
}

// readSample returns a file, or for "generated/DIR/NAME" the generated
// sample configuration of that name.
func readSample(t *testing.T, name string) []byte {
	t.Helper()
	if rest, ok := strings.CutPrefix(name, "generated/"); ok {
		for _, s := range sampleconfigs.All() {
			if s.Path() == rest {
				return []byte(s.Text)
			}
		}
		t.Fatalf("no generated sample %s", rest)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestHierarchicalProperties: a configuration compared with itself is
// equal, and diff(A, B) mirrors diff(B, A).
func TestHierarchicalProperties(t *testing.T) {
	for d, trees := range corpusTrees(t) {
		for i, a := range trees {
			if self := Hierarchical("a", "a", a, a); !self.Equal || len(self.Changes) != 0 {
				t.Errorf("%s #%d: self diff has %d changes", d, i, len(self.Changes))
			}
			for j, b := range trees {
				if i == j {
					continue
				}
				ab := Hierarchical("a", "b", a, b)
				ba := Hierarchical("b", "a", b, a)
				if x, y := canonical(ab, false), canonical(ba, true); x != y {
					t.Errorf("%s #%d vs #%d: diff is not symmetric\nA→B:\n%s\nB→A mirrored:\n%s", d, i, j, x, y)
				}
				if ab.Stats.Added != ba.Stats.Removed || ab.Stats.Changed != ba.Stats.Changed {
					t.Errorf("%s #%d vs #%d: stats %+v vs %+v", d, i, j, ab.Stats, ba.Stats)
				}
			}
		}
	}
}

// canonical renders changes order-independently; mirror swaps the sides.
func canonical(d *HierDiff, mirror bool) string {
	var out []string
	for _, c := range d.Changes {
		op, key, old := c.Op, c.Key, c.OldKey
		if mirror {
			switch op {
			case ChangeAdded:
				op = ChangeRemoved
			case ChangeRemoved:
				op = ChangeAdded
			case ChangeChanged:
				key, old = old, key
			}
		}
		out = append(out, op+"|"+strings.Join(c.Path, ">")+"|"+key+"|"+old)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestLinesMinimalOnLargeInputs: scattered changes in a large configuration
// are reported line by line, not as a wholesale replacement.
func TestLinesMinimalOnLargeInputs(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&a, "line %d\n", i)
		if i%100 == 0 {
			fmt.Fprintf(&b, "LINE %d\n", i)
		} else {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}
	d := Lines("a", "b", a.String(), b.String(), 3)
	if d.Stats.Added != 200 || d.Stats.Removed != 200 || d.Stats.Hunks != 200 {
		t.Errorf("stats = %+v, want 200 added, 200 removed, 200 hunks", d.Stats)
	}
	// Repeated lines (no unique anchors) are still aligned.
	rep := strings.Repeat(" no shutdown\n!\n", 500)
	d = Lines("a", "b", rep, rep+" shutdown\n", 1)
	if d.Stats.Added != 1 || d.Stats.Removed != 0 {
		t.Errorf("repeated lines: %+v", d.Stats)
	}
	d = Lines("a", "b", "x\ny\nz\n"+rep, "y\nz\nw\n"+rep, 0)
	if d.Stats.Added != 1 || d.Stats.Removed != 1 {
		t.Errorf("small edit before repeated lines: %+v", d.Stats)
	}
}
