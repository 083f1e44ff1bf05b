// Command remgen writes the generated running/intended configuration pairs
// of package remgen into a directory tree:
//
//	remgen -out DIR [-n 200] [-dialect ios,nxos,...]
//
// writes DIR/<dialect>/<NNN>/running.cfg and intended.cfg for pairs 0 to
// n-1 of each dialect, and
//
//	remgen -large DIR [-lines 10000] [-diffs 500]
//
// writes the large IOS pair of the benchmarks as DIR/running.cfg and
// DIR/intended.cfg.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/unet-dev/unet/internal/remgen"
)

func main() {
	out := flag.String("out", "", "directory to write the pairs into")
	n := flag.Int("n", 200, "pairs per dialect")
	dialects := flag.String("dialect", strings.Join(remgen.Dialects(), ","), "comma-separated dialects")
	large := flag.String("large", "", "write the large benchmark pair into this directory")
	lines := flag.Int("lines", 10000, "lines of each side of the large pair")
	diffs := flag.Int("diffs", 500, "changes in the large pair")
	flag.Parse()
	if err := run(*out, *n, *dialects, *large, *lines, *diffs); err != nil {
		fmt.Fprintln(os.Stderr, "remgen:", err)
		os.Exit(1)
	}
}

func run(out string, n int, dialects, large string, lines, diffs int) error {
	if large != "" {
		p := remgen.Large(remgen.LargeSeed, lines, diffs)
		return writePair(large, p)
	}
	if out == "" {
		return fmt.Errorf("-out or -large is required")
	}
	for _, d := range strings.Split(dialects, ",") {
		for i := range n {
			p, err := remgen.Generate(d, i)
			if err != nil {
				return err
			}
			if err := writePair(filepath.Join(out, d, fmt.Sprintf("%03d", i)), p); err != nil {
				return err
			}
		}
	}
	return nil
}

func writePair(dir string, p remgen.Pair) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "running.cfg"), []byte(p.Running), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "intended.cfg"), []byte(p.Intended), 0o644)
}
