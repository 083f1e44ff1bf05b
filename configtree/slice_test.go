package configtree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

const sliceFixture = `hostname r1
interface Gi1
 description a
 ip address 10.0.0.1 255.255.255.0
interface Gi2
 shutdown
router bgp 1
 neighbor 10.0.0.2 remote-as 2
 neighbor 192.0.2.1 remote-as 3
 address-family ipv4
  neighbor 10.0.0.2 activate
line vty 0 4
 transport input ssh
`

func TestSliceTable(t *testing.T) {
	tests := []struct {
		name  string
		exprs []string
		want  string
	}{
		{"one interface", []string{"interface Gi1||.*"}, "interface Gi1\n description a\n ip address 10.0.0.1 255.255.255.0\n"},
		{"interface section", []string{"interface Gi2"}, "interface Gi2\n shutdown\n"},
		{"bgp neighbors in 10/8", []string{`router bgp .*||neighbor 10\..*`}, "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n"},
		{"deep", []string{"router bgp .*||address-family .*||*"}, "router bgp 1\n address-family ipv4\n  neighbor 10.0.0.2 activate\n"},
		{"union keeps order", []string{"line .*", "hostname .*"}, "hostname r1\nline vty 0 4\n transport input ssh\n"},
		{"overlapping", []string{"router bgp .*", "router bgp .*||neighbor .*"}, "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n neighbor 192.0.2.1 remote-as 3\n address-family ipv4\n  neighbor 10.0.0.2 activate\n"},
		{"no match", []string{"snmp-server .*"}, ""},
		{"too deep", []string{"interface .*||.*||.*"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ms []*Match
			for _, e := range tc.exprs {
				ms = append(ms, MustParseMatch(e))
			}
			got, err := SliceString(sliceFixture, "ios", ms...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestSliceResultAndJSON(t *testing.T) {
	var buf bytes.Buffer
	res, err := Slice(&buf, strings.NewReader(sliceFixture), SliceOptions{Dialect: "auto", JSON: true}, MustParseMatch(`router bgp .*||neighbor .*`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Dialect != DialectIOS || res.Detection == nil || res.Matched != 2 || res.Statements != 3 {
		t.Errorf("result = %+v", res)
	}
	var entries []Entry
	if err := json.Unmarshal(buf.Bytes(), &entries); err != nil {
		t.Fatalf("invalid JSON %q: %v", buf.String(), err)
	}
	want := []Entry{
		{Line: "router bgp 1", Parents: []string{}, LineNo: 7, Depth: 0},
		{Line: " neighbor 10.0.0.2 remote-as 2", Parents: []string{"router bgp 1"}, LineNo: 8, Depth: 1},
		{Line: " neighbor 192.0.2.1 remote-as 3", Parents: []string{"router bgp 1"}, LineNo: 9, Depth: 1},
	}
	if fmt.Sprint(entries) != fmt.Sprint(want) {
		t.Errorf("entries = %+v", entries)
	}
	buf.Reset()
	if _, err := Slice(&buf, strings.NewReader(sliceFixture), SliceOptions{Dialect: "ios", JSON: true}, MustParseMatch("nothing")); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty JSON slice = %q", buf.String())
	}
	buf.Reset()
	if _, err := Slice(&buf, strings.NewReader("system {\n    ntp {\n        server 1.1.1.1;\n    }\n}\n"), SliceOptions{Dialect: "junos", JSON: true}, MustParseMatch("system||ntp")); err != nil {
		t.Fatal(err)
	}
	entries = nil
	if err := json.Unmarshal(buf.Bytes(), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 || !entries[3].Close || entries[3].Line != "    }" || entries[4].Depth != 0 {
		t.Errorf("junos JSON entries = %+v", entries)
	}
}

func TestSliceContext(t *testing.T) {
	var buf bytes.Buffer
	res, err := Slice(&buf, strings.NewReader(sliceFixture), SliceOptions{Dialect: "ios", Context: 1}, MustParseMatch(`router bgp .*||neighbor 192.*`))
	if err != nil {
		t.Fatal(err)
	}
	want := "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n neighbor 192.0.2.1 remote-as 3\n address-family ipv4\n  neighbor 10.0.0.2 activate\n"
	if buf.String() != want || res.Matched != 1 {
		t.Errorf("got %q (matched %d)", buf.String(), res.Matched)
	}
	buf.Reset()
	if _, err := Slice(&buf, strings.NewReader(sliceFixture), SliceOptions{Dialect: "ios", Context: 1}, MustParseMatch(`hostname .*`)); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "hostname r1\ninterface Gi1\n description a\n ip address 10.0.0.1 255.255.255.0\n" {
		t.Errorf("top-level context: %q", buf.String())
	}
}

func TestSliceErrors(t *testing.T) {
	if _, err := Slice(io.Discard, strings.NewReader("x"), SliceOptions{}); err == nil {
		t.Error("no expression accepted")
	}
	ms := make([]*Match, MaxExpressions+1)
	for i := range ms {
		ms[i] = MustParseMatch("*")
	}
	if _, err := Slice(io.Discard, strings.NewReader("x"), SliceOptions{}, ms...); err == nil {
		t.Error("too many expressions accepted")
	}
	if _, err := SliceString("banner motd ^C\nno end\n", "ios", MustParseMatch("*")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unterminated banner: %v", err)
	}
	if _, err := SliceString("x", "bogus", MustParseMatch("*")); err == nil {
		t.Error("unknown dialect accepted")
	}
}

// generatedConfig streams an IOS-like configuration of about size bytes
// without holding it in memory.
type generatedConfig struct {
	size, done int
	n          int
	buf        []byte
}

func (g *generatedConfig) Read(p []byte) (int, error) {
	if len(g.buf) == 0 {
		if g.done >= g.size {
			return 0, io.EOF
		}
		g.n++
		g.buf = fmt.Appendf(g.buf[:0], "interface GigabitEthernet0/%d\n description port %d\n switchport access vlan %d\n no shutdown\n!\nip access-list extended ACL%d\n permit ip host 10.0.%d.%d any\n deny ip any any\n!\n",
			g.n, g.n, g.n%4000, g.n, g.n%256, g.n%200)
	}
	k := copy(p, g.buf)
	g.buf = g.buf[k:]
	g.done += k
	return k, nil
}

// TestSliceStreamingMemory slices 50 MB of generated configuration and
// checks that the heap never grows with the input.
func TestSliceStreamingMemory(t *testing.T) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := Slice(io.Discard, &generatedConfig{size: 50 << 20}, SliceOptions{Dialect: "ios"}, MustParseMatch("interface .*||.*"))
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if res.Matched < 100000 {
		t.Fatalf("matched only %d interfaces", res.Matched)
	}
	if grown := int64(after.HeapSys) - int64(before.HeapSys); grown > 16<<20 {
		t.Errorf("heap grew by %d MiB while streaming 50 MiB", grown>>20)
	}
}

// TestSliceSkipsDeadSubtrees checks the fast path that discards the
// descendants of unselectable statements: nested banners, comments, blank
// lines and IOS-XR block ends must still be handled.
func TestSliceSkipsDeadSubtrees(t *testing.T) {
	src := "line con 0\n vacant-message ^C\nHello\nhostname fake\n^C\n exec-timeout 0\n!\n\nhostname r\nroute-policy X\n  pass\n  !\nend-policy\ninterface Gi1\n   deep\n shallow\n"
	tests := []struct{ expr, want string }{
		{"hostname .*", "hostname r\n"},
		{"interface .*||shallow", "interface Gi1\n shallow\n"},
		{"route-policy .*", "route-policy X\n  pass\nend-policy\n"},
		{"line .*||exec-timeout .*", "line con 0\n exec-timeout 0\n"},
	}
	for _, tc := range tests {
		for _, d := range []string{DialectIOS, DialectIOSXR} {
			got, err := SliceString(src, d, MustParseMatch(tc.expr))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if d == DialectIOS && strings.HasPrefix(tc.expr, "route-policy") {
				want = "route-policy X\n  pass\n" // "end-policy" is a top-level statement in IOS
			}
			if got != want {
				t.Errorf("%s %q: got %q want %q", d, tc.expr, got, want)
			}
		}
	}
}
