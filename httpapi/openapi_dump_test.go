package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// openAPIOutEnv makes the test binary write the OpenAPI document to the file
// it names (an absolute path: the binary runs in the package directory) and
// exit, for the linters of scripts/openapi-lint.sh:
//
//	UNET_HTTPAPI_OPENAPI_OUT=$PWD/openapi.json go test -count=1 -run '^$' ./httpapi
const openAPIOutEnv = "UNET_HTTPAPI_OPENAPI_OUT"

// writeOpenAPIFile builds a server over a throw-away SQLite database and
// writes its OpenAPI document to out.
func writeOpenAPIFile(out string) int {
	if err := dumpOpenAPI(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func dumpOpenAPI(out string) error {
	if !filepath.IsAbs(out) {
		return fmt.Errorf("%s=%s: the path must be absolute (the test binary runs in the package directory)", openAPIOutEnv, out)
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "unet-openapi-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "unet.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := httpapi.New(service.New(db), httpapi.Options{})
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, srv.OpenAPI(), 0o644); err != nil {
		return fmt.Errorf("write the OpenAPI document: %w", err)
	}
	return nil
}
