package webui

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// HandleForTest registers a page or form behind serve's checks, for the
// tests of those checks (the forms that need a permission are built by
// other sections of the interface).
func (u *UI) HandleForTest(pattern string, perm unet.Permission, h func(http.ResponseWriter, *http.Request) error) {
	u.handle(pattern, perm, h)
}
