package configcmd

import (
	"errors"
	"fmt"
)

var errNoMatch = errors.New("no statement matched")

// fmtInputErr prefixes a parse error with the input name ("file: line N: ...").
func fmtInputErr(label string, err error) error {
	return fmt.Errorf("%s: %w", label, err)
}
