package webui_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/webui"
)

// maxNodeListTransfer is the budget for the node list page: what
// the browser receives for the page, its stylesheet, script and icon.
const maxNodeListTransfer = 100 << 10

// transferLog adds up what a tab receives: the bytes of every finished
// request (headers and body as they came over the wire), by URL.
type transferLog struct {
	mu       sync.Mutex
	urls     map[network.RequestID]string
	bytes    map[string]float64
	finished int
}

func (l *transferLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.urls[e.RequestID] = e.Request.URL
	case *network.EventLoadingFinished:
		u := l.urls[e.RequestID] // a URL loaded twice (the icon) counts once
		l.bytes[u] = max(l.bytes[u], e.EncodedDataLength)
		l.finished++
	}
}

// snapshot returns the bytes by URL and how many requests were sent and
// finished.
func (l *transferLog) snapshot() (map[string]float64, int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := make(map[string]float64, len(l.bytes))
	for k, v := range l.bytes {
		m[k] = v
	}
	return m, len(l.urls), l.finished
}

// measureTransfer loads url in a fresh browser context with the cache off,
// fetches the page's icon as the browser's tab strip would, and returns
// the bytes received by URL.
func measureTransfer(t *testing.T, url string) map[string]float64 {
	t.Helper()
	ctx := newPrivateTab(t)
	l := &transferLog{urls: map[network.RequestID]string{}, bytes: map[string]float64{}}
	if err := chromedp.Listen(ctx, l.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	if status := navigate(t, ctx, url); status != 200 {
		t.Fatalf("GET %s: status %d", url, status)
	}
	// A headless browser shows no tab strip: the icon the page names is
	// fetched from the page, unless the browser already asked for it.
	icon := eval[string](t, ctx, `document.querySelector('link[rel="icon"]').href`)
	if _, asked, _ := l.snapshot(); !askedFor(l, icon) && asked > 0 {
		eval[int](t, ctx, `fetch(`+jsString(icon)+`, {cache: "no-store"}).then(r => r.blob()).then(b => b.size)`, chromedp.EvalAwaitPromise)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, sent, done := l.snapshot()
		if sent == done {
			if _, ok := m[icon]; !ok {
				t.Fatalf("the icon %s was not loaded: %v", icon, m)
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests finished: %v", done, sent, m)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func askedFor(l *transferLog, url string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range l.urls {
		if u == url {
			return true
		}
	}
	return false
}

// checkTransfer fails the test when the node list at url and what it loads
// come to more than the budget; it logs what each part weighs.
func checkTransfer(t *testing.T, url, what string) {
	t.Helper()
	m := measureTransfer(t, url)
	total := 0.0
	var parts []string
	kinds := map[string]bool{}
	for u, n := range m {
		total += n
		parts = append(parts, u[strings.LastIndex(u, "/")+1:]+": "+formatBytes(n))
		switch {
		case strings.HasSuffix(u, ".css"):
			kinds["css"] = true
		case strings.HasSuffix(u, ".js"):
			kinds["js"] = true
		case strings.HasSuffix(u, ".svg"):
			kinds["icon"] = true
		case strings.Contains(u, "/ui/nodes"):
			kinds["html"] = true
		}
	}
	for _, k := range []string{"html", "css", "js", "icon"} {
		if !kinds[k] {
			t.Errorf("%s: the measure lacks the %s: %v", what, k, m)
		}
	}
	t.Logf("%s: %s in all (%s)", what, formatBytes(total), strings.Join(parts, ", "))
	if total > maxNodeListTransfer {
		t.Errorf("%s transfers %s, over the budget of %s", what, formatBytes(total), formatBytes(maxNodeListTransfer))
	}
}

func formatBytes(n float64) string { return fmt.Sprintf("%.1f KiB", n/1024) }

// TestBrowserNodeListTransfer: the node list page, with its stylesheet,
// script and icon, transfers at most 100 KiB as a browser with an empty
// cache measures it, on the demo inventory and on 10,000 nodes.
func TestBrowserNodeListTransfer(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		s := startUI(t, httpapi.Options{}, webui.Options{})
		loadDemo(t, s)
		checkTransfer(t, s.URL+"/ui/nodes", "the node list of the demo")
	})
	t.Run("10000", func(t *testing.T) {
		s := startUI(t, httpapi.Options{}, webui.Options{})
		if _, err := s.svc.Import(adminCtx(), benchInventory(benchNodes), unet.ImportOptions{Reason: "transfer"}); err != nil {
			t.Fatal(err)
		}
		checkTransfer(t, s.URL+"/ui/nodes", "the node list at 10,000 nodes")
	})
}
