// Command unet-kubecheck decodes Kubernetes manifest files strictly into
// the API types and checks them as one release (see package kubecheck):
//
//	unet-kubecheck deploy/k8s/*.yaml
//	helm template unet deploy/helm/unet | unet-kubecheck -
//
// It exits 1 listing every problem, 2 for bad usage, 0 when all is well.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/unet-dev/unet/packaging/kubecheck"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		warnf(stderr, "usage: unet-kubecheck FILE... (- for standard input)\n")
		return 2
	}
	var objs []kubecheck.Object
	for _, name := range args {
		var data []byte
		var err error
		if name == "-" {
			data, err = io.ReadAll(stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			warnf(stderr, "unet-kubecheck: %v\n", err)
			return 1
		}
		o, err := kubecheck.Decode(name, data)
		if err != nil {
			warnf(stderr, "unet-kubecheck: %v\n", err)
			return 1
		}
		objs = append(objs, o...)
	}
	if len(objs) == 0 {
		warnf(stderr, "unet-kubecheck: no manifest in the input\n")
		return 1
	}
	if errs := kubecheck.Check(objs); len(errs) > 0 {
		for _, err := range errs {
			warnf(stderr, "unet-kubecheck: %v\n", err)
		}
		return 1
	}
	for _, o := range objs {
		if _, err := fmt.Fprintf(stdout, "ok %s %s (%s)\n", o.Kind, o.Name, o.Source); err != nil {
			return 1
		}
	}
	return 0
}

// warnf writes a diagnostic to stderr. A failed write to stderr has nowhere
// to be reported; the exit code still says what happened.
func warnf(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, format, args...)
}
