package main

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/discovery-node/discovery"
)

// deferringStore is a store that deferred something: FinishDeferred fails
// the first fails times, then builds.
type deferringStore struct {
	discovery.Store
	fails atomic.Int32
	calls atomic.Int32
}

func (s *deferringStore) FinishDeferred(context.Context) (bool, error) {
	s.calls.Add(1)
	if s.fails.Add(-1) >= 0 {
		return false, errors.New("database went away")
	}
	return true, nil
}

func TestFinishDeferred(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := &deferringStore{}
	store.fails.Store(2)
	reg := prometheus.NewRegistry()
	var caughtUp atomic.Bool
	var asked atomic.Int32
	ready := func(context.Context) bool { asked.Add(1); return caughtUp.Load() }

	done := make(chan error, 1)
	go func() {
		done <- finishDeferred(ctx, slog.New(slog.DiscardHandler), store, reg, ready, time.Millisecond)
	}()

	// Behind for a few polls: not built, not ready.
	for asked.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	if v := derivedReady(t, reg); v != 0 {
		t.Errorf("discovery_derived_ready = %v while behind, want 0", v)
	}
	if got := store.calls.Load(); got != 0 {
		t.Fatalf("FinishDeferred called %d times before the index caught up", got)
	}
	caughtUp.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := store.calls.Load(); got != 3 {
		t.Errorf("FinishDeferred called %d times, want 3 (two failures retried, then built)", got)
	}
	if v := derivedReady(t, reg); v != 1 {
		t.Errorf("discovery_derived_ready = %v after the build, want 1", v)
	}
}

// TestFinishDeferredNothingToBuild checks a store that defers nothing is
// ready at once, caught up or not.
func TestFinishDeferredNothingToBuild(t *testing.T) {
	reg := prometheus.NewRegistry()
	never := func(context.Context) bool { return false }
	if err := finishDeferred(context.Background(), slog.New(slog.DiscardHandler), struct{ discovery.Store }{}, reg, never, time.Hour); err != nil {
		t.Fatal(err)
	}
	if v := derivedReady(t, reg); v != 1 {
		t.Errorf("discovery_derived_ready = %v, want 1", v)
	}
}

func derivedReady(t *testing.T, g prometheus.Gatherer) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "discovery_derived_ready" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("discovery_derived_ready is not exported")
	return 0
}
