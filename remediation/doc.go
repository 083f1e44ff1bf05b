// Package remediation computes the commands that take a device from its
// running configuration to its intended one (and back), and predicts the
// configuration a device ends up with after a list of commands.
//
// It works on configtree statement trees. What differs between platforms —
// how a command is negated, which commands replace an old value without a
// negation, which sections are order-sensitive, how a section is exited,
// which commands go first — is data: one rule table per dialect, embedded
// in the binary (rules/*.toml) and extensible with a file the user passes.
// Curly-brace JunOS is remediated as set/delete commands.
package remediation
