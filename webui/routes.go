package webui

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// routes registers the pages. Each page names the permission it needs;
// each section of the interface registers its own pages in its own file.
func (u *UI) routes() {
	u.mux.HandleFunc("GET "+Prefix+"static/{name}", u.serveAsset)
	u.handle("GET "+Prefix+"{$}", unet.PermNodesRead, u.dashboard)
	u.mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		u.renderError(w, r, unet.Errorf(unet.ENOTFOUND, "no such page: %s", r.URL.Path))
	})
	u.routesDashboard()
	u.routesAuth()
	u.routesChangesets()
	u.routesNodes()
}
