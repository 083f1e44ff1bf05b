package service

import "context"

// LockGitSource takes the database sync lock of source as the Syncer of s
// does.
func LockGitSource(ctx context.Context, s *Service, source string, wait bool) (func(), error) {
	return gitLocker{s: s}.LockSource(ctx, source, wait)
}
