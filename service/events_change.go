package service

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// changeBatch sums up one change-log batch of a transaction as its
// change.applied event, built when the transaction commits.
type changeBatch struct {
	first unet.Change
	data  unet.ChangeAppliedData
}

type changeBatchKey struct{ batch string }

// recordChangeEvent adds c to the change.applied event of its batch, queuing
// the event with the first change of the batch.
func recordChangeEvent(tx *sqlstore.Tx, c *unet.Change) {
	key := changeBatchKey{c.Batch}
	b, _ := tx.Value(key).(*changeBatch)
	if b == nil {
		b = &changeBatch{first: *c, data: unet.ChangeAppliedData{Batch: c.Batch, ChangeSet: c.ChangeSet, Emergency: c.Emergency,
			Reason: c.Reason, Changes: []unet.EventChange{}, ByKind: map[string]int{}}}
		b.first.Before, b.first.After = nil, nil
		tx.SetValue(key, b)
		tx.EmitFunc(b.event)
	}
	b.data.Count++
	b.data.ByKind[c.ObjectKind]++
	if len(b.data.Changes) < unet.MaxEventChanges {
		b.data.Changes = append(b.data.Changes, unet.EventChange{ID: c.ID, ObjectKind: c.ObjectKind, ObjectName: c.ObjectName, Op: c.Op})
	} else {
		b.data.Truncated = true
	}
}

func (b *changeBatch) event() unet.Event {
	data, err := json.Marshal(b.data)
	if err != nil {
		data = []byte("{}")
	}
	e := unet.Event{Type: unet.EventChangeApplied, Time: b.first.Time, Actor: b.first.Actor, Data: data}
	if b.data.Count == 1 {
		e.Subject = b.first.ObjectKind + "/" + b.first.ObjectName
		e.Summary = fmt.Sprintf("%s %s %s %s", b.first.Actor, pastTense(b.first.Op), b.first.ObjectKind, b.first.ObjectName)
	} else {
		kinds := make([]string, 0, len(b.data.ByKind))
		for k, n := range b.data.ByKind {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
		sort.Strings(kinds)
		e.Summary = fmt.Sprintf("%s applied %d changes (%s)", b.first.Actor, b.data.Count, strings.Join(kinds, ", "))
	}
	if b.data.ChangeSet != "" {
		e.Summary += " from " + b.data.ChangeSet
	}
	if b.data.Emergency {
		e.Summary += " as an emergency"
	}
	return e
}

// pastTense names an operation in a sentence ("created", "deleted").
func pastTense(op string) string {
	switch {
	case op == unet.OpPin || op == unet.OpUnpin:
		return op + "ned"
	case strings.HasSuffix(op, "e"):
		return op + "d"
	case op == "":
		return "changed"
	default:
		return op + "ed"
	}
}
