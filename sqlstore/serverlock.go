package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// ServerLock is held by the one server process of a SQLite database: a second
// server on the same file would work, but two servers cannot coordinate their
// background jobs and caches (several servers are PostgreSQL's job).
type ServerLock struct {
	f    *os.File
	path string
}

// ServerLockPath is the file, beside the database file, where the server
// holding the lock writes its process id (for the message a second server
// gets). The lock itself is on the database file.
func ServerLockPath(dbFile string) string { return dbFile + ".serve.lock" }

// LockServer takes the server lock of the SQLite database file dbFile: an
// exclusive flock on the database file itself, which the operating system
// releases when the process ends, however it ends. Locking the file, not a
// name derived from the path as typed, catches a second server that reaches
// the same file through a symbolic link, a hard link or another relative
// path. A missing file is created empty (SQLite takes an empty file for a new
// database). When another process holds the lock, the error is a conflict
// naming that process when it can be told.
//
// flock and SQLite's own POSIX (fcntl) locks are independent on Linux and the
// BSDs. But closing any descriptor of a file drops every POSIX lock the
// process holds on it, so Release must come after the database is closed.
func LockServer(dbFile string) (*ServerLock, error) {
	f, err := os.OpenFile(dbFile, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot open the database file %s to lock it: %v", dbFile, err), Err: err}
	}
	pidFile := ServerLockPath(dbFile)
	if real, err := filepath.EvalSymlinks(dbFile); err == nil {
		pidFile = ServerLockPath(real)
	}
	held, err := tryLock(f)
	if err != nil {
		return nil, errors.Join(&unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot lock %s: %v", dbFile, err), Err: err}, f.Close())
	}
	if held {
		owner := "another process"
		if b, rerr := os.ReadFile(pidFile); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
				owner = fmt.Sprintf("process %d", pid)
			}
		}
		return nil, errors.Join(unet.Errorf(unet.ECONFLICT,
			"database %s is already served by %s: run one server per SQLite database, or use PostgreSQL for several servers",
			dbFile, owner), f.Close())
	}
	// The process id is a courtesy for the message above: the lock does not
	// depend on it, so a file that cannot be written is no error.
	_ = os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	return &ServerLock{f: f, path: dbFile}, nil
}

// Release gives the lock up.
func (l *ServerLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor releases the lock
	l.f = nil
	if err != nil {
		return fmt.Errorf("release %s: %w", l.path, err)
	}
	return nil
}
