//go:build !unix

package cli

import "errors"

// sendSIGHUP: this platform has no SIGHUP to send.
func sendSIGHUP() error { return errors.New("SIGHUP cannot be sent on this platform") }
