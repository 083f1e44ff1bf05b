// Package examples embeds μNet's demo dataset: the inventory loaded by
// `unet demo` and `unet serve --demo`, and the demo policies used when no policy
// directory is configured.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed inventory/*.yaml
var inventory embed.FS

//go:embed policies
var policies embed.FS

func sub(fsys embed.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		// Only an invalid directory name fails, and these are constants.
		return fsys
	}
	return s
}

// Inventory returns the demo inventory files (locations.yaml, nodes.yaml,
// links.yaml) at the root of the returned file system.
func Inventory() fs.FS { return sub(inventory, "inventory") }

// Policies returns the demo rule files (*.rules, and rule tests under tests/).
func Policies() fs.FS { return sub(policies, "policies") }
