package release

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

// Target is one platform a release is built for.
type Target struct {
	OS, Arch string
}

// Targets are the platforms of every release, in build order.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"},
}

// Key is OS_ARCH, e.g. linux_amd64.
func (t Target) Key() string { return t.OS + "_" + t.Arch }

// ArchiveExt is .zip for Windows and .tar.gz elsewhere.
func (t Target) ArchiveExt() string {
	if t.OS == "windows" {
		return ".zip"
	}
	return ".tar.gz"
}

// ArchiveName is the file name of t's archive of version (without a
// leading v), e.g. unet_1.2.0_linux_amd64.tar.gz.
func (t Target) ArchiveName(version string) string {
	return "unet_" + version + "_" + t.Key() + t.ArchiveExt()
}

// brewTargets are the platforms the Homebrew formula installs on.
func brewTargets() []Target {
	var out []Target
	for _, t := range Targets {
		if t.OS == "darwin" || t.OS == "linux" {
			out = append(out, t)
		}
	}
	return out
}

// FormulaArchive is one archive the formula downloads.
type FormulaArchive struct {
	URL    string
	SHA256 string
}

// FormulaData is what the formula template is executed with.
type FormulaData struct {
	// Version is the release version without a leading v (1.2.0).
	Version string
	// Archives maps OS_ARCH (darwin_arm64, linux_amd64...) to its archive.
	Archives map[string]FormulaArchive
}

// FileSHA256 is the hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// formulaData collects the URL and checksum of every darwin and linux
// archive of version in dist; baseURL is where the archives are published.
func formulaData(version, baseURL, dist string) (FormulaData, error) {
	d := FormulaData{Version: version, Archives: map[string]FormulaArchive{}}
	for _, t := range brewTargets() {
		name := t.ArchiveName(version)
		sum, err := FileSHA256(filepath.Join(dist, name))
		if err != nil {
			return d, fmt.Errorf("the formula needs the %s archive: %w", t.Key(), err)
		}
		d.Archives[t.Key()] = FormulaArchive{URL: strings.TrimRight(baseURL, "/") + "/" + name, SHA256: sum}
	}
	return d, nil
}

// RenderFormula executes the Homebrew formula template tmpl for version,
// with the URLs (under baseURL) and checksums of the archives in dist.
func RenderFormula(tmpl, version, baseURL, dist string) ([]byte, error) {
	t, err := template.New("formula").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("formula template: %w", err)
	}
	d, err := formulaData(version, baseURL, dist)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("formula template: %w", err)
	}
	if err := CheckFormula(b.Bytes(), version, baseURL, dist); err != nil {
		return nil, fmt.Errorf("the rendered formula: %w", err)
	}
	return b.Bytes(), nil
}

var (
	formulaURL     = regexp.MustCompile(`(?m)^\s*url\s+"([^"]*)"`)
	formulaSHA     = regexp.MustCompile(`(?m)^\s*sha256\s+"([^"]*)"`)
	formulaVersion = regexp.MustCompile(`(?m)^\s*version\s+"([^"]*)"`)
)

// CheckFormula checks a formula against the archives in dist: it names
// version, has one url line per darwin and linux archive (under baseURL),
// each followed by a sha256 line with that archive's checksum, and nothing
// else to download.
func CheckFormula(formula []byte, version, baseURL, dist string) error {
	want, err := formulaData(version, baseURL, dist)
	if err != nil {
		return err
	}
	if m := formulaVersion.FindSubmatch(formula); m == nil || string(m[1]) != version {
		return fmt.Errorf("no version %q line", version)
	}
	urls := formulaURL.FindAllSubmatchIndex(formula, -1)
	shas := formulaSHA.FindAllSubmatchIndex(formula, -1)
	if len(urls) != len(want.Archives) || len(shas) != len(urls) {
		return fmt.Errorf("%d url and %d sha256 lines, want %d of each (one per darwin and linux archive)",
			len(urls), len(shas), len(want.Archives))
	}
	byURL := map[string]string{}
	for _, a := range want.Archives {
		byURL[a.URL] = a.SHA256
	}
	for i, u := range urls {
		url := string(formula[u[2]:u[3]])
		sum, ok := byURL[url]
		if !ok {
			return fmt.Errorf("url %q is not one of the release's archives", url)
		}
		delete(byURL, url)
		// The sha256 line of an url is the first one after it.
		s := shas[i]
		if s[0] < u[1] || (i+1 < len(urls) && s[0] > urls[i+1][0]) {
			return fmt.Errorf("url %q has no sha256 line of its own", url)
		}
		if got := string(formula[s[2]:s[3]]); got != sum {
			return fmt.Errorf("url %q: sha256 %s, but the archive's is %s", url, got, sum)
		}
	}
	return nil
}
