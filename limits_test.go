package unet_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// validNode, validLocation, validLink and validVendor return objects that pass
// validation; each case below spoils one field.
func validNode() *unet.Node {
	n := &unet.Node{Name: "leaf1", Domain: "example.net", Vendor: "cisco", Platform: "iosxe", Role: "leaf"}
	n.Normalize()
	return n
}

func validLocation() *unet.Location {
	l := &unet.Location{Name: "London", Type: "site"}
	l.Normalize()
	return l
}

func validLink() *unet.Link {
	l := &unet.Link{ANodeID: "a", AInterface: "Eth1", ZNodeID: "b", ZInterface: "Eth1"}
	l.Normalize()
	return l
}

func validVendor() *unet.Vendor {
	v := &unet.Vendor{Name: "acme", DisplayName: "Acme"}
	v.Normalize()
	return v
}

type validator interface{ Validate() error }

// fieldCase spoils one field of a valid object.
type fieldCase struct {
	field string
	make  func(v string) validator
}

func stringFields() []fieldCase {
	node := func(set func(n *unet.Node, v string)) func(string) validator {
		return func(v string) validator { n := validNode(); set(n, v); return n }
	}
	loc := func(set func(l *unet.Location, v string)) func(string) validator {
		return func(v string) validator { l := validLocation(); set(l, v); return l }
	}
	link := func(set func(l *unet.Link, v string)) func(string) validator {
		return func(v string) validator { l := validLink(); set(l, v); return l }
	}
	vendor := func(set func(x *unet.Vendor, v string)) func(string) validator {
		return func(v string) validator { x := validVendor(); set(x, v); return x }
	}
	return []fieldCase{
		{"node.name", node(func(n *unet.Node, v string) { n.Name = v })},
		{"node.domain", node(func(n *unet.Node, v string) { n.Domain = v })},
		{"node.vendor", node(func(n *unet.Node, v string) { n.Vendor = v })},
		{"node.model", node(func(n *unet.Node, v string) { n.Model = v })},
		{"node.role", node(func(n *unet.Node, v string) { n.Role = v })},
		{"node.software_version", node(func(n *unet.Node, v string) { n.SoftwareVersion = v })},
		{"node.serial_number", node(func(n *unet.Node, v string) { n.SerialNumber = v })},
		{"node.asset_tag", node(func(n *unet.Node, v string) { n.AssetTag = v })},
		{"node.environment", node(func(n *unet.Node, v string) { n.Environment = v })},
		{"node.snmp_profile", node(func(n *unet.Node, v string) { n.SNMPProfile = v })},
		{"node.tags", node(func(n *unet.Node, v string) { n.Tags = []string{v} })},
		{"location.name", loc(func(l *unet.Location, v string) { l.Name = v })},
		{"location.description", loc(func(l *unet.Location, v string) { l.Description = v })},
		{"location.address", loc(func(l *unet.Location, v string) { l.Address = v })},
		{"location.snmp_profile", loc(func(l *unet.Location, v string) { l.SNMPProfile = v })},
		{"location.tags", loc(func(l *unet.Location, v string) { l.Tags = []string{v} })},
		{"link.name", link(func(l *unet.Link, v string) { l.Name = v })},
		{"link.a_interface", link(func(l *unet.Link, v string) { l.AInterface = v })},
		{"link.z_interface", link(func(l *unet.Link, v string) { l.ZInterface = v })},
		{"link.circuit_id", link(func(l *unet.Link, v string) { l.CircuitID = v })},
		{"link.provider", link(func(l *unet.Link, v string) { l.Provider = v })},
		{"link.description", link(func(l *unet.Link, v string) { l.Description = v })},
		{"link.tags", link(func(l *unet.Link, v string) { l.Tags = []string{v} })},
		{"vendor.name", vendor(func(x *unet.Vendor, v string) { x.Name = v })},
		{"vendor.display_name", vendor(func(x *unet.Vendor, v string) { x.DisplayName = v })},
	}
}

// wantFieldError asserts that err is an invalid error naming field.
func wantFieldError(t *testing.T, err error, field string) {
	t.Helper()
	if unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("error %v (code %q), want code invalid", err, unet.ErrorCode(err))
	}
	for _, f := range unet.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("field errors %v do not name %q", unet.ErrorFields(err), field)
}

// The limits of docs/inventory.md, per field: the longest accepted value.
var fieldLimits = map[string]int{
	"name": 128, "domain": 253, "vendor": 64, "model": 128, "role": 64,
	"software_version": 128, "serial_number": 128, "asset_tag": 128, "environment": 64,
	"snmp_profile": 64, "tags": 64, "description": 1024, "address": 1024,
	"vendor.name": 64, "a_interface": 128, "z_interface": 128, "circuit_id": 128, "provider": 128, "display_name": 128,
}

func TestStringFieldLengthLimits(t *testing.T) {
	for _, c := range stringFields() {
		field := c.field[strings.IndexByte(c.field, '.')+1:]
		limit, ok := fieldLimits[c.field]
		if !ok {
			limit, ok = fieldLimits[field]
		}
		if !ok {
			t.Fatalf("no limit listed for %s", c.field)
		}
		t.Run(c.field, func(t *testing.T) {
			// At the limit: accepted (the value is shaped to also pass the
			// field's pattern).
			at := fill(field, limit)
			if err := c.make(at).Validate(); err != nil {
				t.Fatalf("%d characters refused: %v", limit, err)
			}
			err := c.make(fill(field, limit+1)).Validate()
			wantFieldError(t, err, field)
			if !strings.Contains(err.Error(), "limit") {
				t.Errorf("message %q does not mention the limit", err)
			}
		})
	}
}

// fill returns a value of n characters that passes the field's pattern.
func fill(field string, n int) string {
	if field == "domain" {
		// Labels of at most 63 characters separated by dots.
		var b strings.Builder
		for b.Len() < n {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(strings.Repeat("d", min(62, n-b.Len()-1)+1))
		}
		return b.String()[:n]
	}
	return strings.Repeat("a", n)
}

func TestStringFieldsRefuseControlCharacters(t *testing.T) {
	controls := map[string]string{
		"NUL": "a\x00b", "tab": "a\tb", "newline": "a\nb", "CR": "a\rb", "ESC": "a\x1b[31mb",
		"unit separator": "a\x1fb", "DEL": "a\x7fb", "C1 CSI": "a\u009bb",
	}
	for _, c := range stringFields() {
		field := c.field[strings.IndexByte(c.field, '.')+1:]
		for name, v := range controls {
			t.Run(c.field+"/"+name, func(t *testing.T) {
				err := c.make(v).Validate()
				wantFieldError(t, err, field)
				if strings.ContainsAny(err.Error(), "\x00\t\n\r\x1b\x1f\x7f\u009b") {
					t.Errorf("message repeats the control character raw: %q", err)
				}
			})
		}
	}
}

func TestStringFieldsRefuseInvalidUTF8(t *testing.T) {
	for _, c := range stringFields() {
		field := c.field[strings.IndexByte(c.field, '.')+1:]
		t.Run(c.field, func(t *testing.T) {
			wantFieldError(t, c.make("a\xffb").Validate(), field)
		})
	}
}

func TestNonASCIITextIsAccepted(t *testing.T) {
	l := validLocation()
	l.Description = "Zürich – Bâtiment 2, 東京"
	l.Address = strings.Repeat("é", 1024)
	if err := l.Validate(); err != nil {
		t.Fatalf("printable non-ASCII text refused: %v", err)
	}
}

func TestTagCountLimit(t *testing.T) {
	n := validNode()
	for i := range 64 {
		n.Tags = append(n.Tags, "t"+strings.Repeat("x", i))
	}
	if err := n.Validate(); err != nil {
		t.Fatalf("64 tags refused: %v", err)
	}
	n.Tags = append(n.Tags, "one-more")
	wantFieldError(t, n.Validate(), "tags")
}

func nested(depth int) map[string]any {
	// depth counts custom_data itself as level 1.
	var v any = "leaf"
	for i := 0; i < depth-1; i++ {
		if i%2 == 0 {
			v = []any{v}
		} else {
			v = map[string]any{"k": v}
		}
	}
	return map[string]any{"k": v}
}

func depthOf(v any) int {
	switch x := v.(type) {
	case map[string]any:
		d := 0
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	case []any:
		d := 0
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}

func TestCustomDataDepthLimit(t *testing.T) {
	ok := nested(32)
	if d := depthOf(ok); d != 32 {
		t.Fatalf("helper built depth %d", d)
	}
	n := validNode()
	n.CustomData = ok
	if err := n.Validate(); err != nil {
		t.Fatalf("depth 32 refused: %v", err)
	}
	deep := nested(33)
	if d := depthOf(deep); d != 33 {
		t.Fatalf("helper built depth %d", d)
	}
	n.CustomData = deep
	err := n.Validate()
	if unet.ErrorCode(err) != unet.EINVALID || len(unet.ErrorFields(err)) != 1 ||
		!strings.HasPrefix(unet.ErrorFields(err)[0].Field, "custom_data") {
		t.Fatalf("depth 33: %v, want one custom_data field error", err)
	}
	// Hostile nesting is refused without walking it all.
	n.CustomData = nested(5000)
	if err := n.Validate(); unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("depth 5000: %v", err)
	}
}

func TestCustomDataSizeLimit(t *testing.T) {
	n := validNode()
	// {"blob":"…"} is 11 bytes of JSON around the value.
	n.CustomData = map[string]any{"blob": strings.Repeat("x", 1<<20-11)}
	if err := n.Validate(); err != nil {
		t.Fatalf("exactly 1 MiB refused: %v", err)
	}
	n.CustomData = map[string]any{"blob": strings.Repeat("x", 1<<20-10)}
	wantFieldError(t, n.Validate(), "custom_data")
}

func TestCustomDataKeys(t *testing.T) {
	n := validNode()
	n.CustomData = map[string]any{"banner": "line one\nline two\tand a tab"}
	if err := n.Validate(); err != nil {
		t.Fatalf("multi-line string value refused: %v", err)
	}
	n.CustomData = map[string]any{"ntp": map[string]any{"bad\x1bkey": 1}}
	err := n.Validate()
	wantFieldError(t, err, "custom_data.ntp")
	if strings.Contains(err.Error(), "\x1b") {
		t.Errorf("message repeats ESC raw: %q", err)
	}
	n.CustomData = map[string]any{strings.Repeat("k", 257): 1}
	wantFieldError(t, n.Validate(), "custom_data")
	n.CustomData = map[string]any{strings.Repeat("k", 256): 1}
	if err := n.Validate(); err != nil {
		t.Fatalf("256-character key refused: %v", err)
	}
}

func TestControlChar(t *testing.T) {
	for s, want := range map[string]int{"": -1, "leaf1": -1, "é東": -1, "a\x1b": 1, "\x00": 0, "éé\u0085": 2} {
		if _, i := unet.ControlChar(s); i != want {
			t.Errorf("ControlChar(%q) index %d, want %d", s, i, want)
		}
	}
}
