package sqlstore_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestCustomDataWithoutJSONFormIsRefused checks that custom data that has no
// JSON form is refused as invalid instead of being stored as null.
func TestCustomDataWithoutJSONFormIsRefused(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "unet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	n := &unet.Node{Name: "r1", FQDN: "r1", Vendor: "generic",
		Meta: unet.Meta{ID: "n1", CustomData: map[string]any{"ratio": math.NaN()}, Version: 1, CreatedAt: now, UpdatedAt: now}}
	err = db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.InsertNode(ctx, n) })
	if got := unet.ErrorCode(err); got != unet.EINVALID {
		t.Fatalf("insert of a node with NaN custom data: code %q (%v), want %q", got, err, unet.EINVALID)
	}
	if _, err := db.Reader().NodeByFQDN(ctx, "r1"); unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("node after a refused insert: %v", err)
	}
}
