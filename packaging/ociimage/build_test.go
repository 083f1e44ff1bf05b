package ociimage

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// testArch is the architecture of the binaries the tests run: the host's
// when the image supports it.
func testArch(t *testing.T) string {
	t.Helper()
	if _, ok := elfMachines[runtime.GOARCH]; !ok || runtime.GOOS != "linux" {
		t.Fatalf("the image tests run on linux/amd64 or linux/arm64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	return runtime.GOARCH
}

var (
	unetOnce sync.Once
	unetPath string
	unetErr  error
)

// unetBinary builds the unet binary of the repository once per test run, as
// the release does: static, trimmed paths, a stamped version.
func unetBinary(t *testing.T) []byte {
	t.Helper()
	arch := testArch(t)
	unetOnce.Do(func() {
		dir, err := os.MkdirTemp("", "unet-image-test-")
		if err != nil {
			unetErr = err
			return
		}
		unetPath = filepath.Join(dir, "unet")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags",
			"-s -w -X github.com/unet-dev/unet/cli.Version="+testVersion, "-o", unetPath, "./cmd/unet")
		cmd.Dir = filepath.Join("..", "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
		if out, err := cmd.CombinedOutput(); err != nil {
			unetErr = &buildError{err: err, out: string(out)}
		}
	})
	if unetErr != nil {
		t.Fatalf("build unet: %v", unetErr)
	}
	b, err := os.ReadFile(unetPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// tinyBinary builds a small static program for linux/arch.
func tinyBinary(t *testing.T, arch string) []byte {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tiny\n\ngo 1.22\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"tiny\") }\n"), 0o644))
	cmd := exec.Command("go", "build", "-trimpath", "-o", "tiny", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build a %s program: %v\n%s", arch, err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tiny"))
	must(err)
	return b
}

// TestMain removes the unet binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if unetPath != "" {
		_ = os.RemoveAll(filepath.Dir(unetPath)) // a temporary directory
	}
	os.Exit(code)
}
