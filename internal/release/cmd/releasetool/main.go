// Command releasetool does the steps of scripts/release.sh and
// scripts/release_test.sh that shell tools cannot do reproducibly or without
// extra packages:
//
//	releasetool archive -out FILE -dir NAME -mtime UNIXSECONDS [-exe NAME] FILE...
//	releasetool formula -template TMPL -version V -base-url URL -dist DIR -out FILE
//	releasetool check-formula -version V -base-url URL -dist DIR FORMULA
//	releasetool check-binary FILE GOOS GOARCH
//	releasetool check-sbom FILE MODULE [COMPONENT...]
//
// archive writes FILE (.tar.gz or .zip) with the FILEs under directory NAME,
// every entry dated UNIXSECONDS; the entries named by -exe are executable.
package main

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet/internal/release"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "archive":
		err = archive(args)
	case "formula":
		err = formula(args)
	case "check-formula":
		err = checkFormula(args)
	case "check-binary":
		if len(args) != 3 {
			usage()
		}
		err = release.CheckBinary(args[0], args[1], args[2])
	case "check-sbom":
		if len(args) < 2 {
			usage()
		}
		err = release.CheckSBOM(args[0], args[1], args[2:]...)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasetool "+os.Args[1]+":", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: releasetool archive|formula|check-formula|check-binary|check-sbom ... (see the package documentation)")
	os.Exit(2)
}

// names is a repeatable string flag.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

func archive(args []string) error {
	fs := flag.NewFlagSet("archive", flag.ExitOnError)
	out := fs.String("out", "", "archive to write (.tar.gz or .zip)")
	dir := fs.String("dir", "", "top directory of the entries")
	mtime := fs.String("mtime", "", "modification time of every entry, in Unix seconds")
	var exe names
	fs.Var(&exe, "exe", "name of an executable entry (repeatable)")
	_ = fs.Parse(args)
	if *out == "" || *dir == "" || *mtime == "" || fs.NArg() == 0 {
		return errors.New("-out, -dir, -mtime and at least one file are required")
	}
	secs, err := strconv.ParseInt(*mtime, 10, 64)
	if err != nil {
		return fmt.Errorf("-mtime %q: %w", *mtime, err)
	}
	a := release.Archive{Dir: *dir, ModTime: time.Unix(secs, 0)}
	isExe := map[string]bool{}
	for _, e := range exe {
		isExe[e] = true
	}
	for _, src := range fs.Args() {
		name := filepath.Base(src)
		a.Files = append(a.Files, release.File{Name: name, Source: src, Executable: isExe[name]})
		delete(isExe, name)
	}
	if len(isExe) > 0 {
		return fmt.Errorf("-exe %v: names no file of the archive", slices.Sorted(maps.Keys(isExe)))
	}
	return release.WriteFile(*out, a)
}

// formulaFlags are the flags formula and check-formula share.
func formulaFlags(name string, args []string) (fs *flag.FlagSet, version, baseURL, dist *string) {
	fs = flag.NewFlagSet(name, flag.ExitOnError)
	version = fs.String("version", "", "release version without a leading v")
	baseURL = fs.String("base-url", "", "URL the archives are published under")
	dist = fs.String("dist", "", "directory of the archives")
	return fs, version, baseURL, dist
}

func formula(args []string) error {
	fs, version, baseURL, dist := formulaFlags("formula", args)
	tmpl := fs.String("template", "", "formula template (text/template)")
	out := fs.String("out", "", "formula to write")
	_ = fs.Parse(args)
	if *tmpl == "" || *out == "" || *version == "" || *baseURL == "" || *dist == "" {
		return errors.New("-template, -out, -version, -base-url and -dist are required")
	}
	t, err := os.ReadFile(*tmpl)
	if err != nil {
		return err
	}
	f, err := release.RenderFormula(string(t), *version, *baseURL, *dist)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, f, 0o644)
}

func checkFormula(args []string) error {
	fs, version, baseURL, dist := formulaFlags("check-formula", args)
	_ = fs.Parse(args)
	if fs.NArg() != 1 || *version == "" || *baseURL == "" || *dist == "" {
		return errors.New("-version, -base-url, -dist and one formula file are required")
	}
	f, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	return release.CheckFormula(f, *version, *baseURL, *dist)
}
