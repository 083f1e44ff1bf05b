package cli

import "io"

// diagnose writes s to standard error. Diagnostics have nowhere else to go,
// so a failed write there is not reported; the command's exit status still
// tells what happened.
func (a *app) diagnose(s string) {
	_, _ = io.WriteString(a.env.Stderr, s)
}
