package replicatest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// writer sends node creates and updates through the load balancer, one at a
// time, and records which were acknowledged (answered 2xx).
type writer struct {
	api    *httpapi.Client
	prefix string

	acked  atomic.Int64
	failed atomic.Int64

	mu sync.Mutex
	// created holds the ID of every acknowledged create by name; pending
	// the names of creates that were not acknowledged.
	created map[string]string
	pending []string
	// updates tracks each node's asset tag: the last acknowledged value and
	// every value sent after it without an acknowledgement.
	updates  map[string]*tagState
	lastErrs []string
}

type tagState struct {
	acked    int
	unacked  []int
	attempts int
}

func newWriter(api *httpapi.Client, prefix string) *writer {
	return &writer{api: api, prefix: prefix, created: map[string]string{}, updates: map[string]*tagState{}}
}

// run alternates a create with an update of a node created before, until ctx
// ends.
func (w *writer) run(ctx context.Context) {
	actx := unet.WithActor(ctx, "replicatest")
	var names []string
	for i := 0; ctx.Err() == nil; i++ {
		rctx, cancel := context.WithTimeout(actx, 5*time.Second)
		if i%2 == 0 || len(names) == 0 {
			name := fmt.Sprintf("%s-%05d", w.prefix, i)
			n, err := w.api.CreateNode(rctx, &unet.Node{Name: name, Domain: "writes.example.net", Vendor: "cisco", Platform: "iosxe"},
				unet.WriteOptions{})
			w.mu.Lock()
			if err == nil {
				w.created[name] = n.ID
				names = append(names, name)
			} else {
				w.pending = append(w.pending, name)
				w.noteErr(err)
			}
			w.mu.Unlock()
			w.count(err)
		} else {
			name := names[i%len(names)]
			w.mu.Lock()
			st := w.updates[name]
			if st == nil {
				st = &tagState{}
				w.updates[name] = st
			}
			st.attempts++
			seq := st.attempts
			id := w.created[name]
			w.mu.Unlock()
			_, err := w.api.UpdateNode(rctx, id, unet.Patch{"asset_tag": "seq-" + strconv.Itoa(seq)}, unet.WriteOptions{})
			w.mu.Lock()
			if err == nil {
				st.acked, st.unacked = seq, nil
			} else {
				st.unacked = append(st.unacked, seq)
				w.noteErr(err)
			}
			w.mu.Unlock()
			w.count(err)
		}
		cancel()
	}
}

func (w *writer) count(err error) {
	if err == nil {
		w.acked.Add(1)
	} else {
		w.failed.Add(1)
	}
}

// noteErr keeps the last few errors for the report; w.mu is held.
func (w *writer) noteErr(err error) {
	w.lastErrs = append(w.lastErrs, err.Error())
	if len(w.lastErrs) > 5 {
		w.lastErrs = w.lastErrs[1:]
	}
}

// verify reads back every acknowledged write and returns one line per one
// that is missing or was overwritten by an older value.
func (w *writer) verify(ctx context.Context) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var problems []string
	names := make([]string, 0, len(w.created))
	for name := range w.created {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		n, err := w.read(ctx, w.created[name])
		if err != nil {
			problems = append(problems, fmt.Sprintf("acknowledged create of %s: %v", name, err))
			continue
		}
		st := w.updates[name]
		if st == nil || st.attempts == 0 {
			continue
		}
		got := -1
		if v, ok := strings.CutPrefix(n.AssetTag, "seq-"); ok {
			got, _ = strconv.Atoi(v)
		}
		switch {
		case st.acked == 0 && n.AssetTag == "":
		case got == st.acked, slices.Contains(st.unacked, got):
		default:
			problems = append(problems, fmt.Sprintf("node %s has asset tag %q; the last acknowledged update set seq-%d (unacknowledged after it: %v)",
				name, n.AssetTag, st.acked, st.unacked))
		}
	}
	return problems
}

// read reads a node back, trying again after an error other than not found.
func (w *writer) read(ctx context.Context, id string) (*unet.Node, error) {
	var err error
	for range 5 {
		var n *unet.Node
		if n, err = w.api.GetNode(ctx, id); err == nil || unet.ErrorCode(err) == unet.ENOTFOUND {
			return n, err
		}
		time.Sleep(100 * time.Millisecond) // a pause between tries, not a synchronisation
	}
	return nil, err
}
