package service_test

import (
	"testing"

	"github.com/unet-dev/unet"
)

// FuzzTimeTravelAt: any `at` either reconstructs the node (the seeded one,
// at a time after its creation), is refused as invalid, or names a point
// where the node is not found — never a panic or an internal error.
func FuzzTimeTravelAt(f *testing.F) {
	for _, s := range []string{"2999-01-01T00:00:00Z", "2026-12-06", "1970-01-01T00:00:00+01:00",
		"0190a5e4-0000-7000-8000-000000000000", "yesterday", "", " 2999-01-01 ", "2026-13-40", "cs-1"} {
		f.Add(s)
	}
	svc := newService(f, "sqlite")
	if _, err := svc.CreateNode(actx(), &unet.Node{Name: "r1", Vendor: "cisco"}, unet.WriteOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, at string) {
		n, err := svc.NodeAt(actx(), "r1", at)
		if err != nil {
			switch unet.ErrorCode(err) {
			case unet.EINVALID, unet.ENOTFOUND:
				return
			}
			t.Fatalf("at %q: %v", at, err)
		}
		if n.Name != "r1" {
			t.Fatalf("at %q: got node %q", at, n.Name)
		}
	})
}
