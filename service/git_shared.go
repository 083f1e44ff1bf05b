package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/gitsync/webhook"
	"github.com/unet-dev/unet/sqlstore"
)

var _ gitsync.SnapshotStore = gitStore{}

// HasSnapshot implements gitsync.SnapshotStore.
func (g gitStore) HasSnapshot(ctx context.Context, source, name string) (bool, error) {
	return g.s.db.Reader().HasGitSnapshot(ctx, source, name)
}

// LoadSnapshot implements gitsync.SnapshotStore.
func (g gitStore) LoadSnapshot(ctx context.Context, source, name string) (gitsync.SnapshotContent, error) {
	commit, files, err := g.s.db.Reader().GitSnapshot(ctx, source, name)
	if errors.Is(err, sqlstore.ErrNoSnapshot) {
		return gitsync.SnapshotContent{}, fmt.Errorf("%w: %w", gitsync.ErrNotFound, err)
	}
	if err != nil {
		return gitsync.SnapshotContent{}, err
	}
	out := gitsync.SnapshotContent{Name: name, Commit: commit, Files: make([]gitsync.SnapshotFile, len(files))}
	for i, f := range files {
		out.Files[i] = gitsync.SnapshotFile{Path: f.Path, Mode: f.Mode, Content: f.Content}
	}
	return out, nil
}

// PruneSnapshots implements gitsync.SnapshotStore: the snapshots active in
// the stored state are kept whatever keep says (the state read in the
// pruning transaction, so an activation by another replica is never
// undone).
func (g gitStore) PruneSnapshots(ctx context.Context, source string, keep []string) error {
	return g.s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		st, err := loadGitState(ctx, tx.Reader(), source)
		if err != nil {
			return err
		}
		for _, es := range st.Environments {
			if es.Snapshot != "" {
				keep = append(keep, es.Snapshot)
			}
		}
		inUse, err := tx.Reader().CanarySnapshotsInUse(ctx, source)
		if err != nil {
			return err
		}
		keep = append(keep, inUse...)
		_, _, err = tx.PruneGitSnapshots(ctx, source, keep)
		return err
	})
}

// putSnapshots stores the content of snaps in tx.
func putSnapshots(ctx context.Context, tx *sqlstore.Tx, source string, snaps []gitsync.SnapshotContent, at time.Time) error {
	for _, sn := range snaps {
		files := make([]sqlstore.GitSnapshotFile, len(sn.Files))
		for i, f := range sn.Files {
			files[i] = sqlstore.GitSnapshotFile{Path: f.Path, Mode: f.Mode, Content: f.Content}
		}
		if err := tx.PutGitSnapshot(ctx, source, sn.Name, sn.Commit, files, at); err != nil {
			return err
		}
	}
	return nil
}

// gitNotice is the payload of a NOTIFY on sqlstore.GitNotifyChannel: what
// changed (an environment's active commit, or the sources themselves).
type gitNotice struct {
	Source      string `json:"source"`
	Environment string `json:"environment,omitempty"`
	Commit      string `json:"commit,omitempty"`
}

// notifyGit announces a change to the other replicas at commit of tx, and
// drops this service's cached Git state once tx has committed.
func (s *Service) notifyGit(ctx context.Context, tx *sqlstore.Tx, n gitNotice) error {
	doc, err := json.Marshal(n)
	if err != nil {
		return err
	}
	tx.OnCommit(s.invalidateGit)
	return tx.NotifyGit(ctx, string(doc))
}

// gitLockTTL is how long a sync lock stays taken without renewal (a
// replica that dies holding it blocks the source this long at most).
const gitLockTTL = 60 * time.Second

// gitLocker takes the per-source sync lock in the database, so that two
// replicas never change one source at once.
type gitLocker struct{ s *Service }

var _ gitsync.SourceLocker = gitLocker{}

// LockSource implements gitsync.SourceLocker: the lock is a row with an
// expiry, renewed while held; waiting polls it with a growing pause.
func (l gitLocker) LockSource(ctx context.Context, source string, wait bool) (func(), error) {
	// One holder per acquisition: the lock is not re-entrant, and a
	// release never drops a lock another Syncer of this process took.
	holder := l.s.gitHolder() + "/" + newID()
	pause := 20 * time.Millisecond
	for {
		ok, err := l.s.tryGitLock(ctx, source, holder)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if !wait {
			return nil, fmt.Errorf("source %s: another replica is syncing it: %w", source, gitsync.ErrBusy)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(pause*2, time.Second)
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(gitLockTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-tick.C:
				// A failed renewal is retried at the next tick; the lock
				// only lapses after a whole TTL without one.
				_, _ = l.s.tryGitLock(rctx, source, holder)
			}
		}
	}()
	return func() {
		stop()
		<-done
		// Released outside the caller's context: a sync whose leader
		// fence went stale still frees the source at once. The lock lapses
		// on its own when it cannot be released now.
		rel, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = l.s.db.WithTx(rel, func(tx *sqlstore.Tx) error {
			return tx.ReleaseGitSyncLock(rel, source, holder)
		})
	}, nil
}

func (s *Service) tryGitLock(ctx context.Context, source, holder string) (bool, error) {
	var ok bool
	now := time.Now().UTC()
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		var err error
		ok, err = tx.AcquireGitSyncLock(ctx, source, holder, now, now.Add(gitLockTTL))
		return err
	})
	return ok, err
}

// gitHolder names this service as a lock holder (unique per process start).
func (s *Service) gitHolder() string {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.holder == "" {
		g.holder = newID()
	}
	return g.holder
}

// WebhookDeliveries returns the store of webhook deliveries seen, shared by
// every replica of the database: a delivery sent again to another replica
// is recognised.
func (s *Service) WebhookDeliveries() webhook.DeliveryStore { return deliveryStore{s} }

type deliveryStore struct{ s *Service }

// SeenDelivery implements webhook.DeliveryStore.
func (d deliveryStore) SeenDelivery(ctx context.Context, source, key string, now time.Time, ttl time.Duration) (bool, error) {
	var dup bool
	err := d.s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		var err error
		dup, err = tx.SeenWebhookDelivery(ctx, key, source, now.UTC(), now.UTC().Add(ttl))
		return err
	})
	return dup, err
}
