// Command unet-image builds μNet's container image from static Linux
// binaries without a container daemon, as an OCI image layout (one image,
// or an index when binaries of several architectures are given) and/or a
// tarball for `docker load` / `podman load`. It prints the digest of the
// image (or of the index) on standard output.
//
//	unet-image --binary amd64=dist/unet_linux_amd64/unet --binary arm64=... \
//	    --version 1.2.3 --revision SHA --created 2026-01-02T03:04:05Z \
//	    --layout dist/unet-image
//
// The creation time is the commit time (or SOURCE_DATE_EPOCH): two builds
// of the same binaries give the same digest.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/unet-dev/unet/packaging/ociimage"
)

// Exit codes: 1 when the build fails, 2 for bad usage.
const (
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// binaries is the repeatable --binary [ARCH=]PATH flag.
type binaries []binaryArg

type binaryArg struct{ arch, path string }

func (b *binaries) String() string { return "" }

func (b *binaries) Set(v string) error {
	arch, path, ok := strings.Cut(v, "=")
	if !ok {
		arch, path = "amd64", v
	}
	if path == "" {
		return errors.New("want [ARCH=]PATH")
	}
	*b = append(*b, binaryArg{arch: arch, path: path})
	return nil
}

// usageError is a mistake in the command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := build(args, getenv, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		warnf(stderr, "unet-image: %v (see unet-image -h)\n", err)
		return exitUsage
	default:
		warnf(stderr, "unet-image: %v\n", err)
		return exitFailure
	}
}

func build(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("unet-image", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var bins binaries
	fl.Var(&bins, "binary", "static Linux unet binary, [ARCH=]PATH with ARCH amd64 (default) or arm64; repeat for an index of several platforms")
	caCerts := fl.String("ca-certs", ociimage.CACertsPath, "PEM bundle of CA certificates copied into the image when the file exists; empty for none")
	version := fl.String("version", "dev", "version of the image (label org.opencontainers.image.version)")
	revision := fl.String("revision", "", "VCS commit of the binaries (label org.opencontainers.image.revision)")
	created := fl.String("created", "", "creation time, RFC 3339 or @UNIX-SECONDS: the commit time (default: SOURCE_DATE_EPOCH)")
	source := fl.String("source", "https://github.com/unet-dev/unet", "source repository URL (label org.opencontainers.image.source)")
	licenses := fl.String("licenses", "Apache-2.0", "SPDX licence expression (label org.opencontainers.image.licenses)")
	layoutDir := fl.String("layout", "", "write an OCI image layout to this new (or empty) directory")
	tarPath := fl.String("tarball", "", "write a tarball for docker load / podman load to this file (one platform only)")
	tag := fl.String("tag", "", "name of the image: the tarball's tag and the layout's ref name (default localhost/unet:VERSION)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fl.NArg() > 0 {
		return usagef("unexpected argument %q", fl.Arg(0))
	}
	if len(bins) == 0 {
		return usagef("give the binary: --binary [ARCH=]PATH")
	}
	if *layoutDir == "" && *tarPath == "" {
		return usagef("give --layout DIR and/or --tarball FILE")
	}
	if *tarPath != "" && len(bins) > 1 {
		return usagef("--tarball holds one platform: give one --binary, or use --layout for an index")
	}
	createdAt, err := parseCreated(*created, getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	if *tag == "" {
		*tag = "localhost/unet:" + *version
	}
	var certs []byte
	if *caCerts != "" {
		certs, err = os.ReadFile(*caCerts)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !isSet(fl, "ca-certs"):
			certs = nil // the default bundle is optional
			warnf(stderr, "unet-image: no %s: the image has no CA certificates\n", *caCerts)
		case err != nil:
			return fmt.Errorf("--ca-certs: %w", err)
		}
	}
	var ins []ociimage.Input
	for _, b := range bins {
		data, err := os.ReadFile(b.path)
		if err != nil {
			return fmt.Errorf("--binary %s: %w", b.path, err)
		}
		ins = append(ins, ociimage.Input{Platform: ociimage.Platform{Architecture: b.arch}, Binary: data, CACerts: certs})
	}
	md := ociimage.Metadata{Version: *version, Revision: *revision, Created: createdAt, Source: *source, Licenses: *licenses}
	var out partial.Describable
	var img v1.Image
	if len(ins) == 1 {
		if img, err = ociimage.Build(ins[0], md); err != nil {
			return err
		}
		out = img
	} else {
		if out, err = ociimage.BuildIndex(ins, md); err != nil {
			return err
		}
	}
	var digest v1.Hash
	if *layoutDir != "" {
		if digest, err = ociimage.WriteLayout(*layoutDir, out, *tag); err != nil {
			return err
		}
	}
	if *tarPath != "" {
		if err := ociimage.WriteTarball(*tarPath, *tag, img); err != nil {
			return err
		}
		if digest, err = img.Digest(); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(stdout, digest)
	return err
}

// isSet reports whether the flag was given on the command line.
func isSet(fl *flag.FlagSet, name string) bool {
	set := false
	fl.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseCreated reads --created (RFC 3339 or @UNIX), else SOURCE_DATE_EPOCH.
func parseCreated(flagValue, epoch string) (time.Time, error) {
	switch {
	case flagValue != "" && strings.HasPrefix(flagValue, "@"):
		sec, err := strconv.ParseInt(flagValue[1:], 10, 64)
		if err != nil {
			return time.Time{}, usagef("--created %q: want RFC 3339 or @UNIX-SECONDS", flagValue)
		}
		return time.Unix(sec, 0).UTC(), nil
	case flagValue != "":
		t, err := time.Parse(time.RFC3339, flagValue)
		if err != nil {
			return time.Time{}, usagef("--created %q: want RFC 3339 (2026-01-02T03:04:05Z) or @UNIX-SECONDS", flagValue)
		}
		return t.UTC(), nil
	case epoch != "":
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q: want seconds since 1970", epoch)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Time{}, usagef("give --created (the commit time, e.g. git log -1 --format=%%cI) or SOURCE_DATE_EPOCH: the image's times come from it")
}

// warnf writes a diagnostic to stderr. A failed write to stderr has nowhere
// to be reported; the exit code still says what happened.
func warnf(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, format, args...)
}
