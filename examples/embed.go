// Package examples embeds μNet's demo dataset: the inventory loaded by
// `unet demo` and `unet serve --demo`.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed inventory/*.yaml
var inventory embed.FS

// Inventory returns the demo inventory files (locations.yaml, nodes.yaml,
// links.yaml) at the root of the returned file system.
func Inventory() fs.FS {
	sub, err := fs.Sub(inventory, "inventory")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	return sub
}
