package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// gitTriggerKey carries the trigger of a Git operation to the state store,
// which records it as the reason of the change rows.
type gitTriggerKey struct{}

func withGitTrigger(ctx context.Context, trigger string) context.Context {
	return context.WithValue(ctx, gitTriggerKey{}, trigger)
}

// gitStore keeps the gitsync state and history in the database. Activations,
// pins and unpins are appended to the change log in the transaction that
// saves the new state.
type gitStore struct{ s *Service }

var _ gitsync.HistoryStateStore = gitStore{}

// LoadState implements gitsync.StateStore.
func (g gitStore) LoadState(ctx context.Context, source string) (gitsync.State, error) {
	return loadGitState(ctx, g.s.db.Reader(), source)
}

func loadGitState(ctx context.Context, r sqlstore.Reader, source string) (gitsync.State, error) {
	var st gitsync.State
	doc, err := r.GitState(ctx, source)
	if err != nil || doc == "" {
		return st, err
	}
	if err := json.Unmarshal([]byte(doc), &st); err != nil {
		return st, fmt.Errorf("git state of %s: %w", source, err)
	}
	return st, nil
}

// SaveState implements gitsync.StateStore.
func (g gitStore) SaveState(ctx context.Context, source string, st gitsync.State) error {
	return g.SaveStateWithHistory(ctx, source, st)
}

// SaveStateWithHistory implements gitsync.HistoryStateStore: the state, its
// change log entries and the history entries are written in one
// transaction, so a reader that sees an activation also sees its history.
func (g gitStore) SaveStateWithHistory(ctx context.Context, source string, st gitsync.State, entries ...gitsync.HistoryEntry) error {
	return g.SaveStateWithSnapshots(ctx, source, st, nil, entries...)
}

// SaveStateWithSnapshots implements gitsync.SnapshotStore: as
// SaveStateWithHistory, with the content of the snapshots it activates
// stored in the same transaction (so a replica never sees an active
// snapshot it cannot read), and a notice to the other replicas (NOTIFY on
// PostgreSQL, delivered at commit) for each environment whose active
// commit or pin changed. The transaction runs in ctx: a sync run under the
// leader lease commits only while the lease's fence holds.
func (g gitStore) SaveStateWithSnapshots(ctx context.Context, source string, st gitsync.State, snaps []gitsync.SnapshotContent, entries ...gitsync.HistoryEntry) error {
	doc, err := json.Marshal(st)
	if err != nil {
		return err
	}
	rows, err := historyRows(source, entries)
	if err != nil {
		return err
	}
	reason := "git"
	if t, ok := ctx.Value(gitTriggerKey{}).(string); ok && t != "" {
		reason = "git " + t
	}
	m := g.s.mutation(ctx, reason)
	err = g.s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		prev, err := loadGitState(ctx, tx.Reader(), source)
		if err != nil {
			return err
		}
		if err := putSnapshots(ctx, tx, source, snaps, m.now); err != nil {
			return err
		}
		if err := tx.PutGitState(ctx, source, string(doc), m.now); err != nil {
			return err
		}
		names := make([]string, 0, len(st.Environments))
		for name := range st.Environments {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			old, cur := prev.Environments[name], st.Environments[name]
			var op string
			switch {
			case cur.Pinned && !old.Pinned:
				op = unet.OpPin
			case cur.Commit != old.Commit && cur.Commit != "":
				op = unet.OpActivate
			case old.Pinned && !cur.Pinned:
				op = unet.OpUnpin
			default:
				continue
			}
			if err := g.s.notifyGit(ctx, tx, gitNotice{Source: source, Environment: name, Commit: cur.Commit}); err != nil {
				return err
			}
			var before any
			if old.Commit != "" {
				before = envImage(name, old)
			}
			if err := m.record(ctx, tx, unet.KindGitSource, source, source, op, before, envImage(name, cur)); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return nil
		}
		emitGitEvents(tx, m.actor, source, entries)
		return tx.InsertGitHistory(ctx, rows...)
	})
	if err == nil {
		setGitCommitMetrics(source, st)
	}
	return err
}

// envImage is an environment's active snapshot as the change log shows it.
func envImage(name string, es gitsync.EnvState) map[string]any {
	img := map[string]any{"environment": name, "commit": es.Commit, "message": es.Message, "author": es.Author, "pinned": es.Pinned}
	if !es.CommitTime.IsZero() {
		img["commit_time"] = es.CommitTime
	}
	if len(es.Files) > 0 {
		img["files"] = es.Files
	}
	return img
}

// AppendHistory implements gitsync.StateStore.
func (g gitStore) AppendHistory(ctx context.Context, source string, entries ...gitsync.HistoryEntry) error {
	rows, err := historyRows(source, entries)
	if err != nil {
		return err
	}
	actor := unet.ActorFrom(ctx)
	return g.s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		emitGitEvents(tx, actor, source, entries)
		return tx.InsertGitHistory(ctx, rows...)
	})
}

// historyRows encodes history entries as rows of source.
func historyRows(source string, entries []gitsync.HistoryEntry) ([]sqlstore.GitHistoryRow, error) {
	rows := make([]sqlstore.GitHistoryRow, 0, len(entries))
	for _, e := range entries {
		doc, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		rows = append(rows, sqlstore.GitHistoryRow{ID: newID(), Source: source, Environment: e.Environment, Trigger: string(e.Trigger),
			Outcome: string(e.Outcome), Commit: e.Commit, SyncedAt: e.SyncedAt, Entry: string(doc)})
	}
	return rows, nil
}

// History implements gitsync.StateStore.
func (g gitStore) History(ctx context.Context, source string, limit int) ([]gitsync.HistoryEntry, error) {
	docs, err := g.s.db.Reader().GitHistory(ctx, source, limit)
	if err != nil {
		return nil, err
	}
	out := make([]gitsync.HistoryEntry, 0, len(docs))
	for _, d := range docs {
		var e gitsync.HistoryEntry
		if err := json.Unmarshal([]byte(d), &e); err != nil {
			return nil, fmt.Errorf("git history of %s: %w", source, err)
		}
		out = append(out, e)
	}
	return out, nil
}
