package ociimage

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The OCI annotation keys the image's labels use.
const (
	LabelTitle       = "org.opencontainers.image.title"
	LabelDescription = "org.opencontainers.image.description"
	LabelVersion     = "org.opencontainers.image.version"
	LabelRevision    = "org.opencontainers.image.revision"
	LabelCreated     = "org.opencontainers.image.created"
	LabelSource      = "org.opencontainers.image.source"
	LabelLicenses    = "org.opencontainers.image.licenses"
)

// Metadata describes the build: it lands in the image's labels and times.
type Metadata struct {
	// Version is the release version (org.opencontainers.image.version).
	Version string
	// Revision is the VCS commit the binary was built from.
	Revision string
	// Created is the creation time of the image, its history and of every
	// file in the layer: the commit time for a reproducible build.
	Created time.Time
	// Source is the URL of the source repository.
	Source string
	// Licenses is an SPDX expression of the licence(s).
	Licenses string
}

// Platform is a Linux architecture the image is built for.
type Platform struct {
	// Architecture is GOARCH: amd64 or arm64.
	Architecture string
}

// String is the platform as linux/ARCH.
func (p Platform) String() string { return "linux/" + p.Architecture }

// elfMachines are the architectures an image can be built for, with the ELF
// machine of their binaries.
var elfMachines = map[string]elf.Machine{
	"amd64": elf.EM_X86_64,
	"arm64": elf.EM_AARCH64,
}

// Input is what one platform's image is built from.
type Input struct {
	Platform Platform
	// Binary is the content of a static Linux executable of the platform's
	// architecture (CGO_ENABLED=0).
	Binary []byte
	// CACerts is the PEM bundle of CA certificates put at CACertsPath, or
	// nil for none.
	CACerts []byte
}

// CheckBinary reports whether b is a statically linked Linux executable for
// arch: the image has no dynamic loader and no C library.
func CheckBinary(b []byte, arch string) error {
	want, ok := elfMachines[arch]
	if !ok {
		return fmt.Errorf("unsupported architecture %q (want amd64 or arm64)", arch)
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not an ELF executable: %w", err)
	}
	defer func() { _ = f.Close() }() // reads from memory: nothing to lose
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return fmt.Errorf("not a Linux executable (OS ABI %s)", f.OSABI)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("not an executable (ELF type %s)", f.Type)
	}
	if f.Machine != want {
		return fmt.Errorf("built for %s, not %s (%s)", f.Machine, arch, want)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("dynamically linked (it names a program interpreter): build it with CGO_ENABLED=0")
		}
	}
	return nil
}

// Build makes the image of one platform: an empty base and one layer (see
// the package documentation), run as the unet user with `unet serve` as its
// command and the data directory as its volume.
func Build(in Input, md Metadata) (v1.Image, error) {
	if err := CheckBinary(in.Binary, in.Platform.Architecture); err != nil {
		return nil, fmt.Errorf("the unet binary for %s: %w", in.Platform, err)
	}
	if md.Created.IsZero() {
		return nil, errors.New("the creation time is not set (the commit time, for a reproducible image)")
	}
	created := md.Created.UTC().Truncate(time.Second)
	raw, err := layerTar(rootFS(in.Binary, in.CACerts), created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(raw)), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History: v1.History{
			Created:   v1.Time{Time: created},
			CreatedBy: "unet-image: " + BinaryPath + ", " + ConfigPath + ", the unet user, " + DataDir,
			Comment:   "μNet " + md.Version,
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = v1.Time{Time: created}
	cf.OS = "linux"
	cf.Architecture = in.Platform.Architecture
	cf.Config = Config(md)
	return mutate.ConfigFile(img, cf)
}

// Config is the run configuration of the image: the unet user, `unet serve`
// with the default configuration file, the data directory as the working
// directory and volume, the port, and the OCI labels.
func Config(md Metadata) v1.Config {
	port := strconv.Itoa(Port) + "/tcp"
	labels := map[string]string{
		LabelTitle:       "unet",
		LabelDescription: "μNet, a network source of truth and compliance server",
		LabelVersion:     md.Version,
		LabelRevision:    md.Revision,
		LabelCreated:     md.Created.UTC().Truncate(time.Second).Format(time.RFC3339),
		LabelSource:      md.Source,
		LabelLicenses:    md.Licenses,
	}
	for k, v := range labels {
		if v == "" {
			delete(labels, k) // unknown: no label rather than an empty one
		}
	}
	return v1.Config{
		User:         strconv.Itoa(UID) + ":" + strconv.Itoa(GID),
		Entrypoint:   []string{BinaryPath},
		Cmd:          []string{"serve"},
		Env:          []string{"PATH=/usr/bin", "UNET_CONFIG=" + ConfigPath},
		WorkingDir:   DataDir,
		Volumes:      map[string]struct{}{DataDir: {}},
		ExposedPorts: map[string]struct{}{port: {}},
		StopSignal:   "SIGTERM",
		Labels:       labels,
	}
}

// BuildIndex makes one image per input and an OCI image index of them, each
// manifest named by its platform.
func BuildIndex(ins []Input, md Metadata) (v1.ImageIndex, error) {
	if len(ins) == 0 {
		return nil, errors.New("no platform to build")
	}
	seen := map[string]bool{}
	var adds []mutate.IndexAddendum
	for _, in := range ins {
		if seen[in.Platform.Architecture] {
			return nil, fmt.Errorf("platform %s given twice", in.Platform)
		}
		seen[in.Platform.Architecture] = true
		img, err := Build(in, md)
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.IndexAddendum{
			Add: img,
			Descriptor: v1.Descriptor{
				MediaType: types.OCIManifestSchema1,
				Platform:  &v1.Platform{OS: "linux", Architecture: in.Platform.Architecture},
			},
		})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	return mutate.AppendManifests(idx, adds...), nil
}
