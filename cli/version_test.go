package cli

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/unet-dev/unet/sqlstore"
)

// TestResolveBuild covers where each reported field comes from: the
// -ldflags stamps of a release build, the module version of a go install
// build, the VCS settings of a build in a Git checkout, and nothing at all.
func TestResolveBuild(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "arm64"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	cases := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  buildInfo
	}{{
		name: "release build: the stamps win over the build info",
		// A release build has -buildvcs=false: Go records "(devel)".
		version: "v1.2.0", commit: "fedcba9876543210fedcba9876543210fedcba98", date: "2026-12-01T08:00:00Z",
		bi: &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "github.com/unet-dev/unet", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}}},
		want: buildInfo{Version: "v1.2.0", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-01T08:00:00Z",
			ModuleVersion: "(devel)", Go: "go1.27.3", Platform: "linux/amd64"},
	}, {
		name: "go install module@version: the module version, no VCS information",
		bi: &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "github.com/unet-dev/unet", Version: "v1.3.1"},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}},
		version: "dev",
		want:    buildInfo{Version: "v1.3.1", ModuleVersion: "v1.3.1", Go: "go1.27.3", Platform: "linux/arm64"},
	}, {
		name:    "go build in a modified checkout: pseudo-version and VCS settings",
		version: "dev",
		bi: &debug.BuildInfo{GoVersion: "go1.27.3",
			Main:     debug.Module{Path: "github.com/unet-dev/unet", Version: "v0.0.0-20261130100000-0123456789ab+dirty"},
			Settings: vcs},
		want: buildInfo{Version: "v0.0.0-20261130100000-0123456789ab+dirty", Commit: "0123456789abcdef0123456789abcdef01234567",
			Date: "2026-11-30T10:00:00Z", Modified: true, ModuleVersion: "v0.0.0-20261130100000-0123456789ab+dirty",
			Go: "go1.27.3", Platform: "darwin/arm64"},
	}, {
		name:    "a stamped commit is not replaced by the VCS revision",
		version: "v2.0.0", commit: "1111111111111111111111111111111111111111",
		bi: &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
		want: buildInfo{Version: "v2.0.0", Commit: "1111111111111111111111111111111111111111", Date: "2026-11-30T10:00:00Z",
			Modified: true, ModuleVersion: "(devel)", Go: "go1.27.3", Platform: "darwin/arm64"},
	}, {
		name: "no build information: dev",
		want: buildInfo{Version: "dev", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH},
	}, {
		name:    "(devel) without VCS information: dev",
		version: "dev",
		bi:      &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"}},
		want:    buildInfo{Version: "dev", ModuleVersion: "(devel)", Go: "go1.27.3", Platform: runtime.GOOS + "/" + runtime.GOARCH},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := resolveBuild(c.version, c.commit, c.date, c.bi); got != c.want {
				t.Fatalf("resolveBuild:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestVersionText pins the one-line form.
func TestVersionText(t *testing.T) {
	b := buildInfo{Version: "v1.2.0", Commit: "abc", Date: "2026-12-01T08:00:00Z", Go: "go1.27.3", Platform: "linux/amd64", SchemaVersion: 7}
	if got, want := b.text(), "unet v1.2.0 (commit abc, date 2026-12-01T08:00:00Z, go1.27.3 linux/amd64, schema 7)\n"; got != want {
		t.Fatalf("text:\n got %q\nwant %q", got, want)
	}
	b = buildInfo{Version: "dev", Modified: true, Go: "go1.27.3", Platform: "linux/amd64", SchemaVersion: 7}
	if got, want := b.text(), "unet dev (commit -, modified, go1.27.3 linux/amd64, schema 7)\n"; got != want {
		t.Fatalf("text:\n got %q\nwant %q", got, want)
	}
}

// versionJSON decodes `unet version -o json`, checking that the keys it
// always had are still there.
func versionJSON(t *testing.T, out []byte) map[string]any {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, out)
	}
	for _, k := range []string{"version", "commit", "go", "schema_version", "date", "modified", "module_version", "platform"} {
		if _, ok := got[k]; !ok {
			t.Fatalf("version -o json lacks %q: %s", k, out)
		}
	}
	if got["schema_version"] != float64(sqlstore.LatestVersion()) {
		t.Fatalf("schema_version %v, want %d", got["schema_version"], sqlstore.LatestVersion())
	}
	return got
}

// TestVersionBinaries builds the real binary twice: once stamped with the
// -ldflags of scripts/release.sh, once with a plain go build, and checks what
// `unet version` reports in each.
func TestVersionBinaries(t *testing.T) {
	dir := t.TempDir()
	root := moduleRoot(t)

	t.Run("stamped", func(t *testing.T) {
		const (
			version = "v9.8.7"
			commit  = "89abcdef0123456789abcdef0123456789abcdef"
			date    = "2026-12-01T08:00:00Z"
		)
		bin := filepath.Join(dir, "unet-stamped")
		ldflags := fmt.Sprintf("-s -w -X github.com/unet-dev/unet/cli.Version=%s -X github.com/unet-dev/unet/cli.Commit=%s -X github.com/unet-dev/unet/cli.Date=%s",
			version, commit, date)
		goBuild(t, root, "-buildvcs=false", "-ldflags", ldflags, "-o", bin, "./cmd/unet")
		got := versionJSON(t, runBinary(t, bin, "version", "-o", "json"))
		for k, want := range map[string]any{"version": version, "commit": commit, "date": date, "modified": false,
			"module_version": "(devel)", "go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH} {
			if got[k] != want {
				t.Errorf("%s = %v, want %v", k, got[k], want)
			}
		}
		text := string(runBinary(t, bin, "version", "-o", "table"))
		want := fmt.Sprintf("unet %s (commit %s, date %s, %s %s/%s, schema %d)\n", version, commit, date,
			runtime.Version(), runtime.GOOS, runtime.GOARCH, sqlstore.LatestVersion())
		if text != want {
			t.Errorf("version -o table:\n got %q\nwant %q", text, want)
		}
	})

	t.Run("plain go build", func(t *testing.T) {
		bin := filepath.Join(dir, "unet-plain")
		// -buildvcs=true: what go build does by default in a checkout, even
		// where GOFLAGS turns it off.
		goBuild(t, root, "-buildvcs=true", "-o", bin, "./cmd/unet")
		got := versionJSON(t, runBinary(t, bin, "version", "-o", "json"))
		// In a Git checkout Go records the revision and a pseudo-version;
		// elsewhere (an unpacked archive) neither, and the version is dev.
		head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
		if err != nil {
			if got["version"] != "dev" || got["commit"] != "" {
				t.Fatalf("outside a Git checkout: %v", got)
			}
			return
		}
		if want := strings.TrimSpace(string(head)); got["commit"] != want {
			t.Errorf("commit = %v, want HEAD %s", got["commit"], want)
		}
		if got["date"] == "" {
			t.Errorf("date is empty: %v", got)
		}
		mv, _ := got["module_version"].(string)
		if got["version"] != mv || !strings.HasPrefix(mv, "v") {
			t.Errorf("version %v should be the module version %q (a pseudo-version)", got["version"], mv)
		}
	})
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// goBuild runs go build in dir. It keeps the environment of go test, so
// that the packages compiled for the test are reused and only the link is
// new; the release's -trimpath and CGO_ENABLED=0 are checked by
// scripts/release_test.sh.
func goBuild(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// runBinary runs bin with args and returns its standard output.
func runBinary(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	return out
}
