package httpapi_test

import (
	"io/fs"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	unet "github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/templates"
)

// TestRenderHostileTemplates: a template source whose template builds a
// huge value in one operation makes renders fail at once with the value
// limit; a flood of such renders leaves the server answering normally.
func TestRenderHostileTemplates(t *testing.T) {
	ts := demoServer(t)
	var res unet.RenderResult
	ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil).decode(t, &res)
	if len(res.Parts) != 1 {
		t.Fatalf("render: %+v", res)
	}
	name := res.Parts[0].Template
	tree := fstest.MapFS{}
	err := fs.WalkDir(examples.Templates(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(examples.Templates(), p)
		tree[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hostile := string(tree[name].Data) + "\n{{ \"x\" * 100000 * 100000 }}{{ \"x\"|center(2000000000) }}\n"
	tree[name] = &fstest.MapFile{Data: []byte(hostile)}
	ts.svc.SetTemplateEnv(templates.New(tree, templates.Options{}))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	hwmBefore := vmHWMKiB(t, os.Getpid())
	start := time.Now()
	var wg sync.WaitGroup
	const flood = 50
	fails := make(chan string, flood)
	var mu sync.Mutex
	limited := 0
	for range flood {
		wg.Go(func() {
			r := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil)
			switch {
			case r.status == http.StatusServiceUnavailable: // max_engine_concurrency sheds the excess
			case r.status != http.StatusOK && strings.Contains(string(r.body), "template value size limit exceeded"):
				mu.Lock()
				limited++
				mu.Unlock()
			default:
				fails <- string(r.body)
			}
		})
	}
	wg.Wait()
	close(fails)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	hwm := vmHWMKiB(t, os.Getpid())
	t.Logf("%d hostile renders (%d stopped by the value limit, the others shed with 503): %v, %.1f MiB allocated; peak RSS of the test process %.1f MiB before, %.1f MiB after",
		flood, limited, elapsed.Round(time.Millisecond), float64(alloc)/(1<<20), float64(hwmBefore)/1024, float64(hwm)/1024)
	if limited == 0 {
		t.Fatal("no render reached the template")
	}
	// One at a time, every render reaches the template and stops.
	for i := range 20 {
		r := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil)
		if i == 0 {
			t.Logf("answer: %d %s", r.status, r.body)
		}
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "template value size limit exceeded") || !strings.Contains(string(r.body), name) {
			t.Fatalf("hostile render: %d %s", r.status, r.body)
		}
	}
	for body := range fails {
		t.Fatalf("hostile render did not fail with the value limit: %s", body)
	}
	if elapsed > 5*time.Second || alloc > 256<<20 {
		t.Errorf("%d renders took %v and %d bytes", flood, elapsed, alloc)
	}
	if r := ts.send(t, http.MethodGet, "/api/v1/templates", nil); r.status != http.StatusOK {
		t.Fatalf("server after the flood: %d %s", r.status, r.body)
	}
}
