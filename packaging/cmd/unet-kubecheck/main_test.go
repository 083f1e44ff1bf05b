package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChecksTheCommittedManifests(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{filepath.Join("..", "..", "..", "deploy", "k8s", "unet.yaml")}, nil, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "ok Deployment unet") {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}

func TestReportsProblems(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "k8s", "unet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", 1)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-"}, strings.NewReader(bad), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "readOnlyRootFilesystem is not true") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"-"}, strings.NewReader("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  typo: 1\n"), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), `unknown field "typo"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run(nil, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("no argument: exit %d", code)
	}
}
