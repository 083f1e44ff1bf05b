package ociimage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// RefNameAnnotation names an entry of an OCI layout's index.json (the tag
// `podman load` and skopeo give it).
const RefNameAnnotation = "org.opencontainers.image.ref.name"

// WriteLayout writes x, a v1.Image or a v1.ImageIndex, as an OCI image
// layout in dir, which must not exist or be empty; its index.json names it
// refName when refName is not empty. The layout is written beside dir and
// renamed into place: it is complete or absent. It returns the digest of
// the image's manifest or of the index.
func WriteLayout(dir string, x partial.Describable, refName string) (v1.Hash, error) {
	if err := checkEmptyDir(dir); err != nil {
		return v1.Hash{}, err
	}
	var digest v1.Hash
	var err error
	switch x := x.(type) {
	case v1.ImageIndex:
		digest, err = x.Digest()
	case v1.Image:
		digest, err = x.Digest()
	default:
		return v1.Hash{}, fmt.Errorf("cannot write a %T as an OCI layout", x)
	}
	if err != nil {
		return v1.Hash{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), "."+filepath.Base(dir)+".*")
	if err != nil {
		return v1.Hash{}, err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // gone after the rename; cleans up a failure
	if err := os.Chmod(tmp, 0o755); err != nil {
		return v1.Hash{}, err
	}
	var opts []layout.Option
	if refName != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{RefNameAnnotation: refName}))
	}
	p, err := layout.Write(tmp, mutate.IndexMediaType(empty.Index, types.OCIImageIndex))
	if err == nil {
		switch x := x.(type) {
		case v1.ImageIndex:
			err = p.AppendIndex(x, opts...)
		case v1.Image:
			err = p.AppendImage(x, opts...)
		}
	}
	if err != nil {
		return v1.Hash{}, fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	// An empty directory is replaced; checkEmptyDir allowed nothing else.
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return v1.Hash{}, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return v1.Hash{}, err
	}
	return digest, nil
}

// checkEmptyDir reports whether dir does not exist or is an empty
// directory: a layout is never written over another one.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: the OCI layout goes to a new or empty directory", dir)
	}
	return nil
}

// WriteTarball writes img as a tarball that `docker load` and `podman load`
// read, tagged tag (e.g. localhost/unet:1.2.3). The file is written whole or
// not at all.
func WriteTarball(path, tag string, img v1.Image) error {
	ref, err := name.NewTag(tag, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("tag %q: %w", tag, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename; cleans up a failure
	if err := tarball.Write(ref, img, tmp); err != nil {
		_ = tmp.Close() // the write failed already
		return fmt.Errorf("tarball %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tarball %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
