package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// tinyBinary builds a small static linux/amd64 program.
func tinyBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tiny\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", "tiny", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return filepath.Join(dir, "tiny")
}

func runImage(args []string, env map[string]string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestWritesLayoutAndTarball(t *testing.T) {
	bin := tinyBinary(t)
	dir := t.TempDir()
	lay, tarPath := filepath.Join(dir, "layout"), filepath.Join(dir, "unet.tar")
	code, stdout, stderr := runImage([]string{"--binary", bin, "--version", "1.0.0", "--ca-certs", "",
		"--layout", lay, "--tarball", tarPath}, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	digest := strings.TrimSpace(stdout)
	p, err := layout.FromPath(lay)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 || im.Manifests[0].Digest.String() != digest ||
		im.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "localhost/unet:1.0.0" {
		t.Fatalf("index.json %+v (%v), printed digest %s", im, err, digest)
	}
	img, err := tarball.ImageFromPath(tarPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil || cf.Created.Unix() != 1700000000 || cf.Config.Labels["org.opencontainers.image.version"] != "1.0.0" {
		t.Fatalf("tarball config %+v (%v)", cf, err)
	}
}

func TestUsageAndFailures(t *testing.T) {
	bin := tinyBinary(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"no binary", []string{"--layout", filepath.Join(dir, "a"), "--created", "@1"}, nil, 2, "--binary"},
		{"no output", []string{"--binary", bin, "--created", "@1"}, nil, 2, "--layout DIR and/or --tarball"},
		{"no time", []string{"--binary", bin, "--layout", filepath.Join(dir, "b")}, nil, 2, "SOURCE_DATE_EPOCH"},
		{"bad time", []string{"--binary", bin, "--layout", filepath.Join(dir, "c"), "--created", "yesterday"}, nil, 2, "RFC 3339"},
		{"bad epoch", []string{"--binary", bin, "--layout", filepath.Join(dir, "d")}, map[string]string{"SOURCE_DATE_EPOCH": "x"}, 2, "SOURCE_DATE_EPOCH"},
		{"tarball of two", []string{"--binary", bin, "--binary", "arm64=" + bin, "--tarball", filepath.Join(dir, "e.tar"), "--created", "@1"}, nil, 2, "one platform"},
		{"missing binary", []string{"--binary", filepath.Join(dir, "nope"), "--layout", filepath.Join(dir, "f"), "--created", "@1"}, nil, 1, "nope"},
		{"wrong architecture", []string{"--binary", "arm64=" + bin, "--layout", filepath.Join(dir, "g"), "--created", "@1", "--ca-certs", ""}, nil, 1, "not arm64"},
		{"missing CA file", []string{"--binary", bin, "--layout", filepath.Join(dir, "h"), "--created", "@1", "--ca-certs", filepath.Join(dir, "none.pem")}, nil, 1, "--ca-certs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runImage(c.args, c.env)
			if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
				t.Fatalf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, stderr, stdout, c.code, c.want)
			}
		})
	}
	// Nothing was written by the failures.
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Errorf("left behind: %v (%v)", entries, err)
	}
}
