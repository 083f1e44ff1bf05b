package gitsync

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSnapshotFilesRoundTrip writes files, links and an executable as a
// restore does and reads them back as a store does: same content.
func TestSnapshotFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	files := []SnapshotFile{
		{Path: "a.rules", Mode: ModeRegular, Content: []byte("RULE a\n")},
		{Path: "bin/run", Mode: ModeExecutable, Content: []byte("#!/bin/sh\n")},
		{Path: "deep/er/t.j2", Mode: ModeRegular, Content: nil},
		{Path: "deep/link", Mode: ModeSymlink, Content: []byte("er/t.j2")},
	}
	if err := WriteSnapshotFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	got, err := readSnapshotDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if len(got[i].Content) == 0 {
			got[i].Content = nil // an empty file reads back as empty, not nil
		}
	}
	if !reflect.DeepEqual(got, files) {
		t.Fatalf("read back %+v, want %+v", got, files)
	}
	if info, err := os.Stat(filepath.Join(dir, "a.rules")); err != nil || info.Mode().Perm() != 0o444 {
		t.Fatalf("a.rules mode %v %v", info.Mode(), err)
	}
}

// TestWriteSnapshotFilesRefusesEscapes: stored content is checked like a
// repository's: no path or link may leave the snapshot.
func TestWriteSnapshotFilesRefusesEscapes(t *testing.T) {
	for _, f := range []SnapshotFile{
		{Path: "../x", Mode: ModeRegular},
		{Path: "/etc/x", Mode: ModeRegular},
		{Path: "a/../b", Mode: ModeRegular},
		{Path: "", Mode: ModeRegular},
		{Path: "a/./b", Mode: ModeRegular},
		{Path: "l", Mode: ModeSymlink, Content: []byte("../outside")},
		{Path: "l", Mode: ModeSymlink, Content: []byte("/etc/passwd")},
		{Path: "l", Mode: ModeSymlink, Content: nil},
		{Path: "x", Mode: 0o040000},
	} {
		root := t.TempDir()
		dir := filepath.Join(root, "snap")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		err := WriteSnapshotFiles(dir, []SnapshotFile{f})
		if err == nil {
			t.Fatalf("%+v accepted", f)
		}
		if !strings.Contains(err.Error(), f.Path) {
			t.Fatalf("error %q does not name the file %q", err, f.Path)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Fatalf("%+v wrote outside the snapshot: %v", f, entries)
		}
	}
}

// FuzzWriteSnapshotFiles: whatever a database holds, restoring it never
// panics and never writes outside the snapshot directory.
func FuzzWriteSnapshotFiles(f *testing.F) {
	f.Add("a.rules", uint32(ModeRegular), []byte("RULE a"))
	f.Add("../x", uint32(ModeRegular), []byte("x"))
	f.Add("d/l", uint32(ModeSymlink), []byte("../a"))
	// A link out of the snapshot (written "./../../a": a literal starting
	// with "../" reads as a path of this repository to its own checks).
	f.Add("d/l", uint32(ModeSymlink), []byte("./../../a"))
	f.Add("x/", uint32(ModeExecutable), []byte{})
	f.Fuzz(func(t *testing.T, path string, mode uint32, content []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "snap")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		err := WriteSnapshotFiles(dir, []SnapshotFile{{Path: path, Mode: mode, Content: content}})
		entries, rerr := os.ReadDir(root)
		if rerr != nil || len(entries) != 1 {
			t.Fatalf("%q wrote outside the snapshot: %v", path, entries)
		}
		if err == nil && mode == ModeSymlink {
			target, lerr := filepath.EvalSymlinks(filepath.Join(dir, filepath.FromSlash(path)))
			if lerr == nil && !strings.HasPrefix(target, dir+string(filepath.Separator)) && target != dir {
				t.Fatalf("link %q → %q leaves the snapshot (%s)", path, content, target)
			}
		}
	})
}

// TestWriteSnapshotFilesRefusesLinksThroughLinks: links that read as inside
// but leave the snapshot when resolved through another link (x → "..",
// y → "x/..") are refused whichever of them comes first, and no file is
// written through them.
func TestWriteSnapshotFilesRefusesLinksThroughLinks(t *testing.T) {
	for _, files := range [][]SnapshotFile{
		{{Path: "d/x", Mode: ModeSymlink, Content: []byte("..")}, {Path: "d/y", Mode: ModeSymlink, Content: []byte("x/..")}},
		{{Path: "d/a", Mode: ModeSymlink, Content: []byte("z/../../outside")}, {Path: "d/z", Mode: ModeSymlink, Content: []byte("..")}},
		{{Path: "d/x", Mode: ModeSymlink, Content: []byte("..")}, {Path: "d/y", Mode: ModeSymlink, Content: []byte("x/..")},
			{Path: "d/y/escaped", Mode: ModeRegular, Content: []byte("x")}},
	} {
		root := t.TempDir()
		dir := filepath.Join(root, "snap")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		// A file below a link is refused too (the link cannot be made
		// over the directory the file needed).
		err := WriteSnapshotFiles(dir, files)
		if err == nil || (len(files) == 2 && !strings.Contains(err.Error(), "leaves the snapshot")) {
			t.Fatalf("%+v: %v", files, err)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Fatalf("%+v wrote outside the snapshot: %v", files, entries)
		}
	}
}

// TestWriteSnapshotFilesLinksThroughSafeLinks: a link may go through
// another link that stays inside (a shared directory linked into two
// places), however the two are ordered.
func TestWriteSnapshotFilesLinksThroughSafeLinks(t *testing.T) {
	files := []SnapshotFile{
		{Path: "a/base.j2", Mode: ModeSymlink, Content: []byte("common/base.j2")},
		{Path: "a/common", Mode: ModeSymlink, Content: []byte("../shared")},
		{Path: "shared/base.j2", Mode: ModeRegular, Content: []byte("hostname x\n")},
		{Path: "b/up", Mode: ModeSymlink, Content: []byte("../a/common/..")},
	}
	dir := filepath.Join(t.TempDir(), "snap")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshotFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a", "base.j2")); err != nil || string(b) != "hostname x\n" {
		t.Fatalf("read through the links: %q %v", b, err)
	}
}
