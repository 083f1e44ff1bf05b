package webui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, each served under a name that
// carries the hash of its content ("app.css" as "app.1a2b3c4d5e6f.css") with
// a cache lifetime of a year: a new build with a changed file changes the
// name.
type assets struct {
	byHashed map[string]asset  // hashed name → file
	hashed   map[string]string // plain name → hashed name
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	a := &assets{byHashed: map[string]asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byHashed[hashed] = asset{body: body, contentType: ct}
		a.hashed[name] = hashed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webui: load assets: %w", err)
	}
	return a, nil
}

// assetPath is the URL of a static file by its plain name (template
// function "asset"); an unknown name is a template error.
func (u *UI) assetPath(name string) (string, error) {
	h, ok := u.assets.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return Prefix + "static/" + h, nil
}

// serveAsset answers GET /ui/static/{name}: public, no permission needed.
func (u *UI) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := u.assets.byHashed[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(a.body)
}
