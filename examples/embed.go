// Package examples embeds μNet's demo dataset: the inventory loaded by
// `unet demo` and `unet serve --demo`, and the demo policies, templates and
// running configurations used when no other source is configured.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed inventory/*.yaml
var inventory embed.FS

//go:embed policies
var policies embed.FS

//go:embed all:templates
var templateFS embed.FS

//go:embed running
var running embed.FS

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

// Templates returns the demo templates, one directory per platform.
func Templates() fs.FS { return sub(templateFS, "templates") }

// Running returns running configurations of some demo nodes (NODE.cfg), some
// compliant with the templates and some drifted.
func Running() fs.FS { return sub(running, "running") }
