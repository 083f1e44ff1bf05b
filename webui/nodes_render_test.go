package webui_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/templates"
	"github.com/unet-dev/unet/webui"
)

// TestNodePageRenderFailure: the node page renders the configuration on
// every view, so a render that fails on the server's side (the template
// source unavailable) leaves the rest of the page standing and says so in
// the configuration's section, without the server's error text.
func TestNodePageRenderFailure(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	loadDemo(t, s)
	s.svc.SetTemplateSource(func(context.Context, string) (*templates.Env, error) {
		return nil, unet.Errorf(unet.EUNAVAILABLE, "template source unreachable")
	})
	body := html.UnescapeString(okPage(t, s, "/ui/nodes/fra-leaf-01.example.net").body)
	for _, want := range []string{"<h1>fra-leaf-01.example.net</h1>", "SN01029", "eos-min-version",
		`<p class="error">The configuration could not be rendered: server error (see the server's log).</p>`} {
		if !strings.Contains(body, want) {
			t.Errorf("node page lacks %q", want)
		}
	}
	if strings.Contains(body, "template source unreachable") || strings.Contains(body, `<pre id="config-1">`) {
		t.Errorf("node page shows the server's error or a configuration:\n%s", body)
	}

}
