// Package gitsync keeps policies and templates in Git: it fetches a source
// repository into a data directory, checks every new commit out as an
// immutable snapshot directory, validates the snapshot with a caller-supplied
// Validator, and activates it atomically only when validation passes. A commit
// that fails validation never becomes active; the last good snapshot stays.
//
// Each source may follow several environments (environment → branch), each
// with its own active snapshot; an environment can be pinned to an earlier
// commit, and a validated commit can be promoted from one environment's
// branch to another's (fast-forward, or a merge commit when the changed files
// are disjoint).
//
// The package is a library: sources are plain values the caller stores, the
// active pointers and sync history live behind the StateStore interface
// (FileStateStore keeps them in JSON files), and secrets are resolved by a
// caller-supplied SecretResolver. A store that also implements
// SnapshotStore keeps the content of activated snapshots, so that processes
// sharing it (each with its own data directory) serve snapshots they never
// fetched; a SourceLocker serialises changes of one source across those
// processes. Webhook signature checks and de-duplication live in the
// webhook sub-package.
//
// Git access is pure Go (go-git), with one exception inherited from go-git:
// file:// and local-path remotes are served by running the system's
// git-upload-pack / git-receive-pack.
package gitsync
