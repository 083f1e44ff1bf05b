package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
)

// gitError converts gitsync errors into μNet errors with a code.
func gitError(err error) error {
	if err == nil {
		return nil
	}
	// A rejected commit is reported as such even when a failure to record
	// the rejection is joined to it.
	var rej *gitsync.RejectedError
	var ue *unet.Error
	if !errors.As(err, &rej) && errors.As(err, &ue) {
		return err
	}
	var re *gitsync.RemoteError
	code := ""
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &rej):
		fe := make([]unet.FieldError, 0, len(rej.Errors))
		for _, v := range rej.Errors {
			fe = append(fe, unet.FieldError{Message: toValidationError(v).String()})
		}
		return &unet.Error{Code: unet.EINVALID, Message: fmt.Sprintf("commit %s failed validation; nothing changed", shortHash(rej.Commit)), Fields: fe, Err: err}
	case errors.Is(err, gitsync.ErrConflict), errors.Is(err, gitsync.ErrSourceMoved):
		code = unet.ECONFLICT
	case errors.Is(err, gitsync.ErrNoActive):
		return &unet.Error{Code: unet.ECONFLICT, Message: err.Error() + ": run `unet git sync` first", Err: err}
	case errors.Is(err, gitsync.ErrNotFound):
		code = unet.ENOTFOUND
	case errors.Is(err, gitsync.ErrNoBranch), errors.Is(err, gitsync.ErrLocalURL):
		code = unet.EINVALID
	case errors.Is(err, gitsync.ErrBusy), errors.Is(err, gitsync.ErrSnapshotMissing):
		code = unet.EUNAVAILABLE
	case errors.As(err, &re):
		code = unet.EUNAVAILABLE
		if re.Op == "push" && !re.Retryable {
			code = unet.EFORBIDDEN
		}
	default:
		return unet.Internal(err)
	}
	return &unet.Error{Code: code, Message: err.Error(), Err: err}
}

func toValidationError(v gitsync.ValidationError) unet.GitValidationError {
	return unet.GitValidationError{File: v.File, Line: v.Line, Column: v.Column, Message: v.Message}
}

func toValidationErrors(vs []gitsync.ValidationError) []unet.GitValidationError {
	if len(vs) == 0 {
		return nil
	}
	out := make([]unet.GitValidationError, len(vs))
	for i, v := range vs {
		out[i] = toValidationError(v)
	}
	return out
}

func toFileChanges(fs []gitsync.FileChange) []unet.GitFileChange {
	out := make([]unet.GitFileChange, len(fs))
	for i, f := range fs {
		out[i] = unet.GitFileChange{Path: f.Path, Change: string(f.Change), Hash: f.Hash, OldHash: f.OldHash}
	}
	return out
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func syncEntry(e gitsync.HistoryEntry) unet.GitSyncEntry {
	out := unet.GitSyncEntry{Source: e.Source, Environment: e.Environment, Trigger: string(e.Trigger), Outcome: string(e.Outcome),
		Commit: e.Commit, Message: e.Message, Author: e.Author, CommitTime: optTime(e.CommitTime), Previous: e.Previous,
		SyncedAt: e.SyncedAt.UTC(), Forced: e.Forced, Error: e.Error, Errors: toValidationErrors(e.Errors)}
	if len(e.Files) > 0 {
		out.Files = toFileChanges(e.Files)
	}
	return out
}

func syncResult(r gitsync.Result) unet.GitSyncResult {
	out := unet.GitSyncResult{Source: r.Source, Trigger: string(r.Trigger), Started: r.Started.UTC(), Finished: r.Finished.UTC(),
		Environments: make([]unet.GitSyncEntry, 0, len(r.Environments))}
	for _, e := range r.Environments {
		out.Environments = append(out.Environments, syncEntry(e))
	}
	return out
}
