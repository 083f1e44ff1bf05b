package jinja

import (
	"context"
	"errors"
	"testing"
)

func TestNewStateLimits(t *testing.T) {
	s := NewState(context.Background(), New(nil, Options{Limits: Limits{MaxValueBytes: 10, MaxValueItems: 3}}))
	if err := s.CheckBytes("x", 10); err != nil {
		t.Errorf("10 bytes: %v", err)
	}
	if err := s.CheckBytes("x", 11); !errors.Is(err, ErrValueLimit) {
		t.Errorf("11 bytes: %v, want ErrValueLimit", err)
	}
	if err := s.CheckItems("x", 4); !errors.Is(err, ErrValueLimit) {
		t.Errorf("4 items: %v, want ErrValueLimit", err)
	}
	if s.Env() == nil || s.Context() == nil {
		t.Fatal("state without env or context")
	}
	d := NewState(context.Background(), nil)
	if got := d.Limits(); got != (Limits{}).WithDefaults() {
		t.Errorf("nil env limits %+v, want the defaults", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewState(ctx, nil).CheckTime(); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}
