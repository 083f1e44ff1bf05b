package sqlstore_test

import (
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

func TestParseChangeSetID(t *testing.T) {
	for _, tc := range []struct {
		ref string
		n   int64
		set bool // has the cs- prefix
	}{
		{"cs-17", 17, true}, {"CS-3", 3, true}, {" cs-1 ", 1, true}, {"17", 17, false},
	} {
		n, err := sqlstore.ParseChangeSetID(tc.ref)
		if err != nil || n != tc.n || sqlstore.IsChangeSetRef(tc.ref) != tc.set {
			t.Errorf("%q: %d, %v, set=%v", tc.ref, n, err, sqlstore.IsChangeSetRef(tc.ref))
		}
	}
	for _, ref := range []string{"", "cs-", "cs-0", "cs--1", "cs-+2", "cs-1x", "abc", "0191e6d2-7b7a-7c3e-9d6a-1f2e3d4c5b6a", "99999999999999999999"} {
		if _, err := sqlstore.ParseChangeSetID(ref); unet.ErrorCode(err) != unet.EINVALID {
			t.Errorf("%q: want invalid, got %v", ref, err)
		}
		if sqlstore.IsChangeSetRef(ref) {
			t.Errorf("%q taken for a change set", ref)
		}
	}
	if got := sqlstore.ChangeSetID(42); got != "cs-42" {
		t.Errorf("ChangeSetID: %s", got)
	}
}
