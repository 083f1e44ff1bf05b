//go:build !linux

package replicatest

import "os/exec"

// dieWithParent does nothing where the kernel has no parent-death signal;
// the test's clean-up still kills every child it started.
func dieWithParent(*exec.Cmd) {}
