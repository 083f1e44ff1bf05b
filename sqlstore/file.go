package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/unet-dev/unet"
)

// dbFile is the SQLite file a DB opened. Connections keep working on that
// file even after it is removed or replaced at its path, so writes check that
// the path still names it: a commit into an unlinked file would be
// acknowledged and then lost.
type dbFile struct {
	path   string
	opened os.FileInfo
}

func openedFile(path string) (*dbFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("database file %s: %v", path, err), Err: err}
	}
	return &dbFile{path: path, opened: fi}, nil
}

// check fails when the path no longer names the file that was opened.
func (f *dbFile) check() error {
	fi, err := os.Stat(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("database file %s is gone (removed while open): writes are refused; restore it and restart", f.path), Err: err}
	case err != nil:
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("database file %s: %v", f.path, err), Err: err}
	case !os.SameFile(f.opened, fi):
		return unet.Errorf(unet.EUNAVAILABLE, "database file %s was replaced since it was opened: writes are refused; restart to use the new file", f.path)
	}
	return nil
}

// checkWAL fails when the write-ahead log is missing while a transaction is
// open. SQLite keeps the -wal file from the first connection's open to the
// last one's close, so inside a transaction it must exist; if it was removed,
// commits would go to the unlinked log and be lost at the next start.
func (f *dbFile) checkWAL() error {
	wal := f.path + "-wal"
	_, err := os.Stat(wal)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("the write-ahead log %s is gone (removed while open): writes are refused; restart", wal), Err: err}
	case err != nil:
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("write-ahead log %s: %v", wal, err), Err: err}
	}
	return nil
}

// checkFile is nil for PostgreSQL and for a SQLite file still in place.
func (db *DB) checkFile() error {
	if db.file == nil {
		return nil
	}
	return db.file.check()
}

// checkFileInTx is checkFile for a transaction about to commit: the
// write-ahead log must be in place too.
func (db *DB) checkFileInTx() error {
	if db.file == nil {
		return nil
	}
	if err := db.file.check(); err != nil {
		return err
	}
	return db.file.checkWAL()
}

// File returns the path of the SQLite file, "" for PostgreSQL.
func (db *DB) File() string {
	if db.file == nil {
		return ""
	}
	return db.file.path
}
