package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestEventsFollowAcrossServerRestart: `unet events --follow` against a
// server prints every event once and in order, across a server that stops
// (dropping the stream) and starts again on the same address while events
// are committed; `unet events` lists, filters and refuses bad patterns.
func TestEventsFollowAcrossServerRestart(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	url, _, stop := startServe(t, []string{"--db", db, "--no-snmp", "--eval-interval", "0", "--listen", addr}, nil)

	// Writes go straight to the database, as another process's would.
	write := func(name string) {
		t.Helper()
		ctx := context.Background()
		sdb, err := sqlstore.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		if _, err := service.New(sdb).CreateNode(unet.WithActor(ctx, "tester"), &unet.Node{Name: name, Vendor: "arista"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	write("a1")

	out := &lockedBuffer{}
	var errb lockedBuffer
	fctx, cancel := context.WithCancel(context.Background())
	codec := make(chan int, 1)
	go func() {
		codec <- Run(fctx, []string{"--server", url, "events", "--follow", "--after", "0", "-o", "json"},
			Env{Stdout: out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	defer cancel()
	lines := func(n int) []unet.Event {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			text := strings.TrimSpace(out.String())
			var evs []unet.Event
			if text != "" {
				for _, l := range strings.Split(text, "\n") {
					var e unet.Event
					if err := json.Unmarshal([]byte(l), &e); err != nil {
						t.Fatalf("line %q: %v", l, err)
					}
					evs = append(evs, e)
				}
			}
			if len(evs) >= n || time.Now().After(deadline) {
				return evs
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	write("a2")
	if evs := lines(2); len(evs) != 2 || evs[0].Subject != "node/a1" || evs[1].Subject != "node/a2" {
		t.Fatalf("before the restart: %+v (stderr %s)", evs, errb.String())
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	write("b1")
	write("b2")
	_, _, _ = startServe(t, []string{"--db", db, "--no-snmp", "--eval-interval", "0", "--listen", addr}, nil)
	write("c1")
	evs := lines(5)
	var subjects []string
	for i, e := range evs {
		subjects = append(subjects, e.Subject)
		if i > 0 && e.ID <= evs[i-1].ID {
			t.Fatalf("IDs out of order: %+v", evs)
		}
	}
	if fmt.Sprint(subjects) != "[node/a1 node/a2 node/b1 node/b2 node/c1]" {
		t.Fatalf("followed %v (stderr %s)", subjects, errb.String())
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(lines(0)); n != 5 {
		t.Fatalf("%d events printed, want 5", n)
	}
	cancel()
	select {
	case code := <-codec:
		if code != 0 {
			t.Fatalf("events --follow exited %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("events --follow did not stop when cancelled")
	}

	// Listing: table lines with time, ID, type, subject and summary; a
	// type filter; bad input.
	var tbl, e2 bytes.Buffer
	code := Run(context.Background(), []string{"--db", db, "events", "--type", "change.*", "--after", fmt.Sprint(evs[1].ID), "--limit", "2", "-o", "table"},
		Env{Stdout: &tbl, Stderr: &e2, Getenv: func(string) string { return "" }})
	rows := strings.Split(strings.TrimSpace(tbl.String()), "\n")
	if code != 0 || len(rows) != 2 || !strings.Contains(rows[0], fmt.Sprintf("  %d  change.applied  node/b1  tester created node b1", evs[2].ID)) {
		t.Fatalf("table (exit %d, %s):\n%s", code, e2.String(), tbl.String())
	}
	tbl.Reset()
	if code := Run(context.Background(), []string{"--db", db, "events", "--type", "git.*"},
		Env{Stdout: &tbl, Stderr: &e2, Getenv: func(string) string { return "" }}); code != 0 || tbl.Len() != 0 {
		t.Fatalf("filtered: exit %d %q", code, tbl.String())
	}
	for _, bad := range [][]string{{"--type", "["}, {"--after", "-1"}, {"--follow", "--limit", "3"}} {
		e2.Reset()
		code := Run(context.Background(), append([]string{"--db", db, "events"}, bad...), Env{Stdout: &tbl, Stderr: &e2, Getenv: func(string) string { return "" }})
		if code != ExitUsage || e2.Len() == 0 {
			t.Fatalf("%v: exit %d, %q", bad, code, e2.String())
		}
	}
}

// TestServeDeletesOldEvents: the server's retention job, configured in the
// config file, deletes the events older than the retention and keeps the
// others.
func TestServeDeletesOldEvents(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	ctx := context.Background()
	sdb, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdb.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = sdb.WithTx(ctx, func(tx *sqlstore.Tx) error {
		tx.Emit(unet.Event{Type: unet.EventGitFailed, Time: time.Now().Add(-72 * time.Hour), Summary: "old"})
		tx.Emit(unet.Event{Type: unet.EventGitFailed, Time: time.Now(), Summary: "new"})
		return nil
	})
	sdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(conf, []byte("[server]\nevent_retention = \"48h\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, logs, stop := startServe(t, []string{"--db", db, "--no-snmp", "--eval-interval", "0", "--config", conf}, nil)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "deleted old events") {
		if time.Now().After(deadline) {
			t.Fatalf("no retention run: %s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	var out, errb bytes.Buffer
	if code := Run(ctx, []string{"--db", db, "events", "-o", "json"}, Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("events: %d %s", code, errb.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"summary":"new"`) {
		t.Fatalf("events left: %s", out.String())
	}
}

// TestEventsFollowLocal: `unet events --follow` on a database prints the
// events other processes commit, from now on when no --after is given.
func TestEventsFollowLocal(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	ctx := context.Background()
	sdb, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(sdb)
	wctx := unet.WithActor(ctx, "tester")
	if _, err := svc.CreateNode(wctx, &unet.Node{Name: "before", Vendor: "arista"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	var errb lockedBuffer
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	codec := make(chan int, 1)
	go func() {
		codec <- Run(fctx, []string{"--db", db, "events", "-f", "-o", "table"}, Env{Stdout: out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	// The follower starts from the newest event when it has read it:
	// write until a write shows up.
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; !strings.Contains(out.String(), "node/after"); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("followed: %q (stderr %s)", out.String(), errb.String())
		}
		if i%15 == 0 {
			if _, err := svc.CreateNode(wctx, &unet.Node{Name: fmt.Sprintf("after%d", i/15), Vendor: "arista"}, unet.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-codec; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if s := out.String(); strings.Contains(s, "node/before") || !strings.Contains(s, "change.applied  node/after") ||
		!strings.Contains(s, "tester created node after") {
		t.Fatalf("followed: %q", s)
	}
}
