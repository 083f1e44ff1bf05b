package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeFiles creates name→content files in dir and returns their paths.
func writeFiles(t *testing.T, dir string, files map[string]string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		paths[name] = p
	}
	return paths
}

type entry struct {
	name, content string
	mode          int64
	mtime         time.Time
}

func readTarGz(t *testing.T, data []byte) []entry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Fatalf("gzip header has name %q, time %v: want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Fatalf("%s owned by %d:%d", h.Name, h.Uid, h.Gid)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{h.Name, string(b), h.Mode, h.ModTime})
	}
}

func readZip(t *testing.T, data []byte) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		_ = rc.Close()
		out = append(out, entry{f.Name, string(b), int64(f.Mode().Perm()), f.Modified.UTC()})
	}
	return out
}

// TestArchivesReproducible writes each kind of archive twice from files
// written in different orders and at different times: the bytes are the
// same, the entries sorted under one directory, dated and owned as asked.
func TestArchivesReproducible(t *testing.T) {
	mtime := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	contents := map[string]string{"unet": "\x7fELF binary", "LICENSE": "Apache", "NOTICE": "notice", "README.md": "# μNet"}
	build := func(order []string) Archive {
		dir := t.TempDir()
		paths := writeFiles(t, dir, contents)
		a := Archive{Dir: "unet_1.2.0_linux_amd64", ModTime: mtime.Add(300 * time.Millisecond)}
		for _, n := range order {
			a.Files = append(a.Files, File{Name: n, Source: paths[n], Executable: n == "unet"})
		}
		return a
	}
	a1 := build([]string{"unet", "README.md", "NOTICE", "LICENSE"})
	a2 := build([]string{"LICENSE", "NOTICE", "README.md", "unet"})
	wantNames := []string{"unet_1.2.0_linux_amd64/", "unet_1.2.0_linux_amd64/LICENSE", "unet_1.2.0_linux_amd64/NOTICE",
		"unet_1.2.0_linux_amd64/README.md", "unet_1.2.0_linux_amd64/unet"}
	for _, kind := range []struct {
		name  string
		write func(io.Writer, Archive) error
		read  func(*testing.T, []byte) []entry
	}{{"tar.gz", WriteTarGz, readTarGz}, {"zip", WriteZip, readZip}} {
		t.Run(kind.name, func(t *testing.T) {
			var b1, b2 bytes.Buffer
			if err := kind.write(&b1, a1); err != nil {
				t.Fatal(err)
			}
			if err := kind.write(&b2, a2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
				t.Fatal("two archives of the same files differ")
			}
			entries := kind.read(t, b1.Bytes())
			if len(entries) != len(wantNames) {
				t.Fatalf("%d entries, want %d: %+v", len(entries), len(wantNames), entries)
			}
			for i, e := range entries {
				if e.name != wantNames[i] {
					t.Fatalf("entry %d is %q, want %q", i, e.name, wantNames[i])
				}
				if !e.mtime.Equal(mtime) {
					t.Errorf("%s dated %v, want %v", e.name, e.mtime, mtime)
				}
				wantMode := int64(0o644)
				if strings.HasSuffix(e.name, "/unet") || strings.HasSuffix(e.name, "/") {
					wantMode = 0o755
				}
				if e.mode&0o777 != wantMode {
					t.Errorf("%s mode %o, want %o", e.name, e.mode, wantMode)
				}
				if base := filepath.Base(e.name); !strings.HasSuffix(e.name, "/") && e.content != contents[base] {
					t.Errorf("%s holds %q, want %q", e.name, e.content, contents[base])
				}
			}
		})
	}
}

// TestArchiveRefusesBadNames covers the names an archive must not hold.
func TestArchiveRefusesBadNames(t *testing.T) {
	p := writeFiles(t, t.TempDir(), map[string]string{"f": "x"})["f"]
	for _, a := range []Archive{
		{Dir: "", Files: []File{{Name: "f", Source: p}}},
		{Dir: "a/b", Files: []File{{Name: "f", Source: p}}},
		{Dir: "d", Files: []File{{Name: "../f", Source: p}}},
		{Dir: "d", Files: []File{{Name: "/f", Source: p}}},
		{Dir: "d", Files: []File{{Name: "f", Source: p}, {Name: "f", Source: p}}},
	} {
		if err := WriteTarGz(io.Discard, a); err == nil {
			t.Errorf("%+v: accepted", a)
		}
	}
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "x.rar"), Archive{Dir: "d", Files: []File{{Name: "f", Source: p}}}); err == nil {
		t.Error("an archive named .rar was written")
	}
	if err := WriteFile(filepath.Join(dir, "x.zip"), Archive{Dir: "d", Files: []File{{Name: "f", Source: filepath.Join(dir, "missing")}}}); err == nil {
		t.Error("an archive of a missing file was written")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failed writes left %v", left)
	}
}

const testTemplate = `class Unet < Formula
  version "{{.Version}}"
{{- range $k, $a := .Archives}}
  # {{$k}}
  url "{{$a.URL}}"
  sha256 "{{$a.SHA256}}"
{{- end}}
end
`

// fakeDist writes an archive for each release target into a directory.
func fakeDist(t *testing.T, version string) string {
	t.Helper()
	dist := t.TempDir()
	for _, tg := range Targets {
		if err := os.WriteFile(filepath.Join(dist, tg.ArchiveName(version)), []byte("archive "+tg.Key()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dist
}

// TestFormula renders the real template and a small one, checks that each
// has every darwin and linux URL with its checksum, and that CheckFormula
// notices a wrong checksum, a missing platform and a foreign URL.
func TestFormula(t *testing.T) {
	const version, base = "1.2.0", "https://example.test/releases/download/v1.2.0"
	dist := fakeDist(t, version)
	real, err := os.ReadFile("../../packaging/homebrew/unet.rb.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for name, tmpl := range map[string]string{"packaging/homebrew/unet.rb.tmpl": string(real), "test template": testTemplate} {
		f, err := RenderFormula(tmpl, version, base+"/", dist)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, tg := range brewTargets() {
			sum, err := FileSHA256(filepath.Join(dist, tg.ArchiveName(version)))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`url "` + base + "/unet_1.2.0_" + tg.Key() + `.tar.gz"`, `sha256 "` + sum + `"`} {
				if !bytes.Contains(f, []byte(want)) {
					t.Errorf("%s: the formula lacks %s:\n%s", name, want, f)
				}
			}
		}
		if bytes.Contains(f, []byte("windows")) {
			t.Errorf("%s: the formula names the windows archive", name)
		}
	}

	good, err := RenderFormula(testTemplate, version, base, dist)
	if err != nil {
		t.Fatal(err)
	}
	darwinSum, _ := FileSHA256(filepath.Join(dist, "unet_1.2.0_darwin_arm64.tar.gz"))
	for name, bad := range map[string]string{
		"wrong checksum":  strings.Replace(string(good), darwinSum, strings.Repeat("0", 64), 1),
		"missing url":     strings.Replace(string(good), `url "`+base+`/unet_1.2.0_linux_arm64.tar.gz"`, "", 1),
		"foreign url":     strings.Replace(string(good), base+"/unet_1.2.0_linux_arm64", "https://elsewhere.test/unet_1.2.0_linux_arm64", 1),
		"another version": strings.Replace(string(good), `version "1.2.0"`, `version "1.2.1"`, 1),
	} {
		if err := CheckFormula([]byte(bad), version, base, dist); err == nil {
			t.Errorf("%s: CheckFormula accepted\n%s", name, bad)
		}
	}
	// A template that leaves out a platform renders nothing.
	if _, err := RenderFormula(`version "{{.Version}}" url "{{(index .Archives "darwin_arm64").URL}}"`, version, base, dist); err == nil {
		t.Error("a formula without most platforms was rendered")
	}
	if err := os.Remove(filepath.Join(dist, "unet_1.2.0_linux_amd64.tar.gz")); err != nil {
		t.Fatal(err)
	}
	if _, err := RenderFormula(testTemplate, version, base, dist); err == nil || !strings.Contains(err.Error(), "linux_amd64") {
		t.Errorf("a missing archive: %v", err)
	}
}

// TestCheckBinary builds a static executable and checks it passes as one
// for its own platform and fails as any other; a dynamically linked system
// program fails the static check.
func TestCheckBinary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/static\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "static")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := CheckBinary(bin, "linux", runtime.GOARCH); err != nil {
		t.Fatal(err)
	}
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	for _, c := range [][2]string{{"linux", other}, {"darwin", runtime.GOARCH}, {"windows", runtime.GOARCH}, {"plan9", "amd64"}} {
		if err := CheckBinary(bin, c[0], c[1]); err == nil {
			t.Errorf("a linux/%s executable passed as %s/%s", runtime.GOARCH, c[0], c[1])
		}
	}
	// Debian's shell is dynamically linked.
	if err := CheckBinary("/bin/sh", "linux", runtime.GOARCH); err == nil || !strings.Contains(err.Error(), "dynamic") {
		t.Errorf("/bin/sh: %v, want a dynamically linked error", err)
	}
}

// TestCheckSBOM accepts a minimal CycloneDX document naming the module and
// refuses what is not one.
func TestCheckSBOM(t *testing.T) {
	const good = `{"bomFormat":"CycloneDX","specVersion":"1.6",
"metadata":{"component":{"type":"application","name":"github.com/unet-dev/unet","version":"v1.2.0","purl":"pkg:golang/github.com/unet-dev/unet@v1.2.0?type=module"}},
"components":[{"type":"library","name":"modernc.org/sqlite","version":"v1.62.0","purl":"pkg:golang/modernc.org/sqlite@v1.62.0?type=module"}]}`
	dir := t.TempDir()
	file := func(content string) string {
		p := filepath.Join(dir, "bom.json")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := CheckSBOM(file(good), "github.com/unet-dev/unet", "modernc.org/sqlite"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ doc, module, want string }{
		"not JSON":          {"<bom/>", "github.com/unet-dev/unet", ""},
		"not CycloneDX":     {strings.Replace(good, "CycloneDX", "SPDX", 1), "github.com/unet-dev/unet", ""},
		"another module":    {good, "github.com/other/thing", ""},
		"missing component": {good, "github.com/unet-dev/unet", "github.com/spf13/cobra"},
		"not a Go module":   {strings.Replace(good, "pkg:golang/modernc.org", "pkg:npm/modernc.org", 1), "github.com/unet-dev/unet", ""},
	} {
		var want []string
		if c.want != "" {
			want = append(want, c.want)
		}
		if err := CheckSBOM(file(c.doc), c.module, want...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
