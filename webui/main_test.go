package webui_test

import (
	"os"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestMain runs the tests with a PostgreSQL cluster (testutil.PostgresMain)
// and closes the shared browser, if a test started it, once every test has
// run, so that no Chromium process outlives the test binary.
func TestMain(m *testing.M) {
	code := testutil.PostgresMain(m)
	closeBrowser()
	removeUnetBinary()
	os.Exit(code)
}
