package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/unet-dev/unet/dbarchive"
)

// errTargetStopped ends a copy's backup once the restore has returned.
var errTargetStopped = errors.New("the copy's target stopped reading")

// Copy copies every table of src into dst, which must be new, as a backup of
// src restored into dst without a file in between: the same snapshot, the
// same checks and the same report as Restore.
func Copy(ctx context.Context, src, dst *DB, producer string) (RestoreReport, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	backupErr := make(chan error, 1)
	go func() {
		_, _, err := src.Backup(ctx, pw, BackupOptions{Producer: producer})
		pw.CloseWithError(err) // nil: the reader sees io.EOF
		backupErr <- err
	}()
	rep, err := func() (RestoreReport, error) {
		r, err := dbarchive.NewReader(pr)
		if err != nil {
			return RestoreReport{}, err
		}
		return dst.Restore(ctx, r)
	}()
	// Unblock a backup still writing, then wait for it.
	pr.CloseWithError(errTargetStopped)
	cancel()
	berr := <-backupErr
	if berr != nil && !errors.Is(berr, errTargetStopped) && !errors.Is(berr, context.Canceled) {
		// The source failed first: that explains the target's failure.
		return rep, fmt.Errorf("read %s: %w", RedactURL(src.url), berr)
	}
	return rep, err
}
