package service_test

import (
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestListGitSourcesCorruptState checks that a stored Git state that does not
// decode is reported by the list as by the single read, instead of the list
// silently showing the source without its pinned environments.
func TestListGitSourcesCorruptState(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: "https://git.example.net/net.git", Branch: "main"}, unet.WriteOptions{})).v(t)
		if err := svc.DB().WithTx(ctx, func(tx *sqlstore.Tx) error {
			return tx.PutGitState(ctx, "net", `{"environments": {"default": {"commit": `, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.GetGitSource(ctx, "net")
		if err == nil {
			t.Fatal("GetGitSource of a corrupt state: no error")
		}
		_, err = svc.ListGitSources(ctx)
		mustCode(t, err, unet.EINTERNAL)
	})
}
