package cli

import (
	"errors"
	"fmt"
	"io"
)

// closeInto closes c and adds a failure to *err (joined with the error the
// command already returns, if any): a database or file that cannot be
// closed may not have kept everything written to it.
func closeInto(err *error, c io.Closer, what string) {
	if cerr := c.Close(); cerr != nil {
		*err = errors.Join(*err, fmt.Errorf("close %s: %w", what, cerr))
	}
}

// closeAfter closes c after a failed operation and returns failure, joined
// with the close error when there is one.
func closeAfter(failure error, c io.Closer, what string) error {
	closeInto(&failure, c, what)
	return failure
}
