// Package release writes and checks μNet's release artefacts
// (scripts/release.sh): reproducible archives, the Homebrew formula, and the
// checks scripts/release_test.sh makes on binaries, SBOM and formula.
package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// File is one file of an archive: its name inside the archive's top
// directory, where to read it, and whether it is executable.
type File struct {
	Name       string
	Source     string
	Executable bool
}

// Archive describes an archive whose bytes depend only on its inputs: every
// entry has the same modification time (the commit's), owner 0:0 and a fixed
// mode, and entries are sorted by name under one top directory.
type Archive struct {
	// Dir is the top directory every entry is under, e.g. unet_1.2.0_linux_amd64.
	Dir string
	// ModTime is the time of every entry (the commit time).
	ModTime time.Time
	Files   []File
}

// sortedFiles returns a's files sorted by name, refusing names that are
// empty, absolute, contain "..", or repeat.
func (a Archive) sortedFiles() ([]File, error) {
	if a.Dir == "" || strings.ContainsAny(a.Dir, `/\`) || a.Dir == "." || a.Dir == ".." {
		return nil, fmt.Errorf("archive directory %q: want one plain name", a.Dir)
	}
	files := append([]File(nil), a.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for i, f := range files {
		clean := path.Clean(f.Name)
		if f.Name == "" || clean != f.Name || path.IsAbs(f.Name) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("archive entry %q: want a relative, clean name", f.Name)
		}
		if i > 0 && files[i-1].Name == f.Name {
			return nil, fmt.Errorf("archive entry %q given twice", f.Name)
		}
	}
	return files, nil
}

func fileMode(f File) int64 {
	if f.Executable {
		return 0o755
	}
	return 0o644
}

// WriteTarGz writes a as a gzip-compressed tar archive to w.
func WriteTarGz(w io.Writer, a Archive) error {
	files, err := a.sortedFiles()
	if err != nil {
		return err
	}
	mtime := a.ModTime.UTC().Truncate(time.Second)
	// No name and no time in the gzip header: its bytes depend on the data only.
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(name string, mode int64, typ byte, size int64) *tar.Header {
		return &tar.Header{Typeflag: typ, Name: name, Mode: mode, Size: size, ModTime: mtime,
			Uid: 0, Gid: 0, Uname: "root", Gname: "root", Format: tar.FormatUSTAR}
	}
	if err := tw.WriteHeader(hdr(a.Dir+"/", 0o755, tar.TypeDir, 0)); err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(f.Source)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(hdr(a.Dir+"/"+f.Name, fileMode(f), tar.TypeReg, int64(len(data)))); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// WriteZip writes a as a zip archive to w.
func WriteZip(w io.Writer, a Archive) error {
	files, err := a.sortedFiles()
	if err != nil {
		return err
	}
	mtime := a.ModTime.UTC().Truncate(time.Second)
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	dir := &zip.FileHeader{Name: a.Dir + "/", Method: zip.Store, Modified: mtime}
	dir.SetMode(os.ModeDir | 0o755)
	if _, err := zw.CreateHeader(dir); err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(f.Source)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: a.Dir + "/" + f.Name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(fileMode(f)))
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteFile writes a to path, as a zip archive when path ends in .zip and as
// a .tar.gz otherwise, replacing path only once the archive is complete.
func WriteFile(path string, a Archive) error {
	var buf bytes.Buffer
	var err error
	switch {
	case strings.HasSuffix(path, ".zip"):
		err = WriteZip(&buf, a)
	case strings.HasSuffix(path, ".tar.gz"):
		err = WriteTarGz(&buf, a)
	default:
		return fmt.Errorf("%s: want a .tar.gz or .zip name", path)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
