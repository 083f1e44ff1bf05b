package sqlstore

import (
	"errors"
	"fmt"
	"os"
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

// ServerLockPath is the lock file of a SQLite database file.
func ServerLockPath(dbFile string) string { return dbFile + ".serve.lock" }

// LockServer takes the server lock of the SQLite database file dbFile, an
// exclusive lock on dbFile.serve.lock that the operating system releases when
// the process ends, however it ends. When another process holds it, the error
// is a conflict naming that process. The lock file is left in place on
// release: removing it would let two processes lock two different files.
func LockServer(dbFile string) (*ServerLock, error) {
	path := ServerLockPath(dbFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot create the server lock file %s: %v", path, err), Err: err}
	}
	held, err := tryLock(f)
	if err != nil {
		return nil, errors.Join(&unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot lock %s: %v", path, err), Err: err}, f.Close())
	}
	if held {
		owner := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
				owner = fmt.Sprintf("process %d", pid)
			}
		}
		return nil, errors.Join(unet.Errorf(unet.ECONFLICT,
			"database %s is already served by %s (lock file %s): run one server per SQLite database, or use PostgreSQL for several servers",
			dbFile, owner, path), f.Close())
	}
	if err := f.Truncate(0); err != nil {
		return nil, errors.Join(fmt.Errorf("write %s: %w", path, err), f.Close())
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return nil, errors.Join(fmt.Errorf("write %s: %w", path, err), f.Close())
	}
	return &ServerLock{f: f, path: path}, nil
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
