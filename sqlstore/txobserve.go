package sqlstore

import (
	"sync/atomic"
	"time"
)

// Outcomes of a write transaction attempt, as told to a TxObserver.
const (
	// TxCommit: fn returned nil and the commit succeeded.
	TxCommit = "commit"
	// TxRollback: fn returned an error and the transaction was rolled back.
	TxRollback = "rollback"
	// TxError: the transaction could not begin or commit (or the SQLite file
	// went away while it ran).
	TxError = "error"
)

// TxObserver is told of every write transaction attempt (a WithTx that
// retries makes several): its outcome and how long it took from BEGIN to
// the end of COMMIT or ROLLBACK. It must be cheap and safe for concurrent use.
type TxObserver func(outcome string, took time.Duration)

var txObserver atomic.Pointer[TxObserver]

// ObserveTransactions makes f the observer of the transactions of every
// database (nil: none). Metrics set it once at start.
func ObserveTransactions(f TxObserver) {
	if f == nil {
		txObserver.Store(nil)
		return
	}
	txObserver.Store(&f)
}

// observeTx reports one transaction attempt that began at start.
func observeTx(outcome string, start time.Time) {
	if f := txObserver.Load(); f != nil {
		(*f)(outcome, time.Since(start))
	}
}
