package webui_test

import (
	"os"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.PostgresMain(m)) }
