package ociimage

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const testVersion = "1.2.3-test"

var testCreated = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func testMetadata() Metadata {
	return Metadata{Version: testVersion, Revision: "0123456789abcdef0123456789abcdef01234567", Created: testCreated,
		Source: "https://github.com/unet-dev/unet", Licenses: "Apache-2.0"}
}

var testCerts = []byte("-----BEGIN CERTIFICATE-----\nnot a real one, copied as is\n-----END CERTIFICATE-----\n")

func buildTestImage(t *testing.T) (v1.Image, []byte) {
	t.Helper()
	bin := unetBinary(t)
	img, err := Build(Input{Platform: Platform{Architecture: testArch(t)}, Binary: bin, CACerts: testCerts}, testMetadata())
	if err != nil {
		t.Fatal(err)
	}
	return img, bin
}

func TestImageConfig(t *testing.T) {
	img, _ := buildTestImage(t)
	if mt, err := img.MediaType(); err != nil || mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %q (%v), want %q", mt, err, types.OCIManifestSchema1)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
		t.Errorf("manifest: config %q, layers %+v; want an OCI config and one OCI layer", m.Config.MediaType, m.Layers)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != testArch(t) {
		t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
	}
	if !cf.Created.Equal(testCreated) || len(cf.History) != 1 || !cf.History[0].Created.Equal(testCreated) {
		t.Errorf("created %v, history %+v; want %v", cf.Created, cf.History, testCreated)
	}
	c := cf.Config
	if c.User != "65532:65532" || strings.HasPrefix(c.User, "0:") || c.User == "" || c.User == "root" {
		t.Errorf("user %q, want 65532:65532 (not root)", c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/usr/bin/unet"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
		t.Errorf("entrypoint %q cmd %q, want [/usr/bin/unet] [serve]", c.Entrypoint, c.Cmd)
	}
	if _, ok := c.Volumes["/var/lib/unet"]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v, want /var/lib/unet", c.Volumes)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want 8080/tcp", c.ExposedPorts)
	}
	if c.WorkingDir != "/var/lib/unet" || !slices.Contains(c.Env, "UNET_CONFIG=/etc/unet/unet.toml") {
		t.Errorf("working dir %q, env %q", c.WorkingDir, c.Env)
	}
	want := map[string]string{
		"org.opencontainers.image.title":    "unet",
		"org.opencontainers.image.version":  testVersion,
		"org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
		"org.opencontainers.image.created":  "2026-03-04T05:06:07Z",
		"org.opencontainers.image.source":   "https://github.com/unet-dev/unet",
		"org.opencontainers.image.licenses": "Apache-2.0",
	}
	for k, v := range want {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}
	if c.Labels[LabelDescription] == "" {
		t.Errorf("no %s label", LabelDescription)
	}
}

// entry is a tar header's essentials.
type entry struct {
	typ      byte
	mode     int64
	uid, gid int
}

func readLayer(t *testing.T, img v1.Image) ([]string, map[string]entry, map[string][]byte) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %d, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	var names []string
	entries, contents := map[string]entry{}, map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(testCreated) {
			t.Errorf("%s: mtime %v, want %v", h.Name, h.ModTime, testCreated)
		}
		if h.Uname != "" || h.Gname != "" || !h.AccessTime.IsZero() || !h.ChangeTime.IsZero() || len(h.PAXRecords) > 0 {
			t.Errorf("%s: host-dependent metadata %+v", h.Name, h)
		}
		names = append(names, h.Name)
		entries[h.Name] = entry{typ: h.Typeflag, mode: h.Mode, uid: h.Uid, gid: h.Gid}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		contents[h.Name] = b
	}
	return names, entries, contents
}

func TestLayerContents(t *testing.T) {
	img, bin := buildTestImage(t)
	names, entries, contents := readLayer(t, img)
	dir, file := byte(tar.TypeDir), byte(tar.TypeReg)
	want := map[string]entry{
		"etc/":                              {dir, 0o755, 0, 0},
		"etc/group":                         {file, 0o644, 0, 0},
		"etc/nsswitch.conf":                 {file, 0o644, 0, 0},
		"etc/passwd":                        {file, 0o644, 0, 0},
		"etc/ssl/":                          {dir, 0o755, 0, 0},
		"etc/ssl/certs/":                    {dir, 0o755, 0, 0},
		"etc/ssl/certs/ca-certificates.crt": {file, 0o644, 0, 0},
		"etc/unet/":                         {dir, 0o755, 0, 0},
		"etc/unet/unet.toml":                {file, 0o644, 0, 0},
		"tmp/":                              {dir, 0o1777, 0, 0},
		"usr/":                              {dir, 0o755, 0, 0},
		"usr/bin/":                          {dir, 0o755, 0, 0},
		"usr/bin/unet":                      {file, 0o755, 0, 0},
		"var/":                              {dir, 0o755, 0, 0},
		"var/lib/":                          {dir, 0o755, 0, 0},
		"var/lib/unet/":                     {dir, 0o750, 65532, 65532},
	}
	if len(entries) != len(want) || len(names) != len(want) {
		t.Errorf("layer entries %q, want the %d of %v", names, len(want), want)
	}
	for name, w := range want {
		if got, ok := entries[name]; !ok || got != w {
			t.Errorf("%s: %+v (present %v), want %+v", name, got, ok, w)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("entries not sorted: %q", names)
	}
	if !bytes.Equal(contents["usr/bin/unet"], bin) {
		t.Error("usr/bin/unet differs from the binary")
	}
	if !bytes.Equal(contents["etc/ssl/certs/ca-certificates.crt"], testCerts) {
		t.Error("the CA certificates differ from the bundle given")
	}
	if !strings.Contains(string(contents["etc/passwd"]), "\nunet:x:65532:65532:unet:/var/lib/unet:/sbin/nologin\n") ||
		!strings.HasPrefix(string(contents["etc/passwd"]), "root:x:0:0:") {
		t.Errorf("etc/passwd:\n%s", contents["etc/passwd"])
	}
	if string(contents["etc/group"]) != "root:x:0:\nunet:x:65532:\n" {
		t.Errorf("etc/group:\n%s", contents["etc/group"])
	}
	if string(contents["etc/unet/unet.toml"]) != DefaultConfig {
		t.Errorf("etc/unet/unet.toml:\n%s", contents["etc/unet/unet.toml"])
	}

	// Without CA certificates, no certificate directory at all.
	img2, err := Build(Input{Platform: Platform{Architecture: testArch(t)}, Binary: bin}, testMetadata())
	if err != nil {
		t.Fatal(err)
	}
	names2, _, _ := readLayer(t, img2)
	for _, n := range names2 {
		if strings.HasPrefix(n, "etc/ssl") {
			t.Errorf("image without CA certificates has %s", n)
		}
	}
}

// extract writes the layer's files under root (as the current user).
func extract(t *testing.T, img v1.Image, root string) {
	t.Helper()
	names, entries, contents := readLayer(t, img)
	for _, n := range names {
		p := filepath.Join(root, filepath.FromSlash(n))
		if entries[n].typ == tar.TypeDir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, contents[n], fs.FileMode(entries[n].mode)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImageBinaryRuns runs the binary from the unpacked root file system:
// its version is the stamped one, and it serves with the image's own
// configuration file (the paths that need root moved by environment).
func TestImageBinaryRuns(t *testing.T) {
	img, _ := buildTestImage(t)
	root := t.TempDir()
	extract(t, img, root)
	unet := filepath.Join(root, "usr", "bin", "unet")
	out, err := exec.Command(unet, "version", "-o", "json").Output()
	if err != nil {
		t.Fatalf("unet version: %v", err)
	}
	var v struct{ Version string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version != testVersion {
		t.Fatalf("unet version: %s (%v), want version %s", out, err, testVersion)
	}

	data := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serve := exec.CommandContext(ctx, unet, "serve", "--no-snmp")
	serve.Dir = data
	serve.Env = []string{
		"UNET_CONFIG=" + filepath.Join(root, "etc", "unet", "unet.toml"),
		"UNET_LISTEN=" + addr,
		"UNET_DATABASE_URL=sqlite://" + filepath.Join(data, "unet.db"),
		"UNET_DATA_DIR=" + filepath.Join(data, "unet-data"),
		"UNET_TOKEN_PEPPER=env:TEST_PEPPER",
		"TEST_PEPPER=0123456789abcdef0123456789abcdef",
	}
	var logs bytes.Buffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = serve.Wait() // how it ended shows in its output
		close(exited)
	}()
	// stop ends the server and returns its output (read once it exited).
	stop := func() string {
		_ = serve.Process.Signal(os.Interrupt) // it may have exited already
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = serve.Process.Kill() // did not stop in time
			<-exited
		}
		return logs.String()
	}
	if !waitReady("http://"+addr+"/readyz", exited) {
		t.Fatalf("unet serve with the image's configuration never got ready\n%s", stop())
	}
	// Auth mode local: the API wants a credential.
	resp, err := http.Get("http://" + addr + "/api/v1/nodes")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	out2 := stop()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/nodes without a credential: %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(out2, `"level":"INFO"`) {
		t.Errorf("the default configuration logs JSON; got\n%s", out2)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// waitReady polls url until it answers 200 (true), the server exits or a
// minute passes (false).
func waitReady(url string, exited <-chan struct{}) bool {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func TestReproducible(t *testing.T) {
	bin := unetBinary(t)
	in := Input{Platform: Platform{Architecture: testArch(t)}, Binary: bin, CACerts: testCerts}
	var digests []v1.Hash
	var dirs []string
	for range 2 {
		img, err := Build(in, testMetadata())
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "layout")
		d, err := WriteLayout(dir, img, "localhost/unet:"+testVersion)
		if err != nil {
			t.Fatal(err)
		}
		digests, dirs = append(digests, d), append(dirs, dir)
	}
	if digests[0] != digests[1] {
		t.Fatalf("two builds: %s and %s", digests[0], digests[1])
	}
	a, b := treeOf(t, dirs[0]), treeOf(t, dirs[1])
	if len(a) != len(b) {
		t.Fatalf("layouts differ: %d and %d files", len(a), len(b))
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Errorf("layouts differ in %s", name)
		}
	}
	// The layout holds the image under its digest, named by the tag.
	p, err := layout.FromPath(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 || im.Manifests[0].Digest != digests[0] ||
		im.Manifests[0].Annotations[RefNameAnnotation] != "localhost/unet:"+testVersion {
		t.Fatalf("index.json %+v (%v)", im, err)
	}

	// Another creation time is another image.
	md := testMetadata()
	md.Created = testCreated.Add(time.Second)
	other, err := Build(in, md)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := other.Digest(); d == digests[0] {
		t.Error("a different creation time gave the same digest")
	}
}

// treeOf reads every file under dir, by relative path.
func treeOf(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestIndex(t *testing.T) {
	amd, arm := tinyBinary(t, "amd64"), tinyBinary(t, "arm64")
	ins := []Input{
		{Platform: Platform{Architecture: "amd64"}, Binary: amd},
		{Platform: Platform{Architecture: "arm64"}, Binary: arm},
	}
	idx, err := BuildIndex(ins, testMetadata())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	digest, err := WriteLayout(dir, idx, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	om, err := outer.IndexManifest()
	if err != nil || len(om.Manifests) != 1 || om.Manifests[0].Digest != digest || om.Manifests[0].MediaType != types.OCIImageIndex {
		t.Fatalf("layout index.json %+v (%v)", om, err)
	}
	inner, err := outer.ImageIndex(digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := inner.IndexManifest()
	if err != nil || len(im.Manifests) != 2 {
		t.Fatalf("image index %+v (%v)", im, err)
	}
	for i, arch := range []string{"amd64", "arm64"} {
		d := im.Manifests[i]
		if d.Platform == nil || d.Platform.OS != "linux" || d.Platform.Architecture != arch {
			t.Errorf("manifest %d: platform %+v, want linux/%s", i, d.Platform, arch)
		}
		img, err := inner.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil || cf.Architecture != arch {
			t.Errorf("manifest %d: config architecture %q (%v), want %s", i, cf.Architecture, err, arch)
		}
	}
	again, err := BuildIndex(ins, testMetadata())
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := again.Digest(); d != digest {
		t.Errorf("two index builds: %s and %s", digest, d)
	}
	if _, err := BuildIndex(append(ins, ins[0]), testMetadata()); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a platform given twice: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	arm := tinyBinary(t, "arm64")
	md := testMetadata()
	cases := []struct {
		name string
		in   Input
		md   Metadata
		want string
	}{
		{"not ELF", Input{Platform: Platform{Architecture: "amd64"}, Binary: []byte("#!/bin/sh\necho hi\n")}, md, "not an ELF executable"},
		{"wrong architecture", Input{Platform: Platform{Architecture: "amd64"}, Binary: arm}, md, "not amd64"},
		{"unsupported architecture", Input{Platform: Platform{Architecture: "riscv64"}, Binary: arm}, md, "unsupported architecture"},
		{"no creation time", Input{Platform: Platform{Architecture: "arm64"}, Binary: arm}, Metadata{Version: "x"}, "creation time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(c.in, c.md)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}

	t.Run("layout over files", func(t *testing.T) {
		img, err := Build(Input{Platform: Platform{Architecture: "arm64"}, Binary: arm}, md)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		keep := filepath.Join(dir, "keep")
		if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := WriteLayout(dir, img, ""); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("error %v, want a refusal", err)
		}
		if files := treeOf(t, dir); len(files) != 1 || string(files["keep"]) != "mine" {
			t.Errorf("the directory changed: %v", files)
		}
		if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
			t.Errorf("leftovers beside the directory: %v", entries)
		}
	})
}
