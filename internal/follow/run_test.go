package follow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/follow"
)

// waitFor polls cond until it holds; the bound only stops a broken follower
// from hanging the test run.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// runInBackground starts f.Run and returns a func that stops it and checks
// it returned nil.
func runInBackground(t *testing.T, f *follow.Follower) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := await(t, done, "Run to return"); err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	}
}

func TestRunWakesOnPushedHeads(t *testing.T) {
	chain := pushingChain{scriptedChain: newScriptedChain(10), subs: make(chan chan uint64)}
	sink := &recordingSink{}
	// Polling would take an hour: only a pushed head can wake Run.
	f := newFollower(chain, sink, follow.Config{PollInterval: time.Hour})
	reached := sink.reach(10)
	stop := runInBackground(t, f)
	defer stop()
	sub := await(t, chain.subs, "a head subscription")
	await(t, reached, "block 10")

	for _, n := range []int{1, 3, 1} {
		head, _ := chain.Head(t.Context())
		head += uint64(n)
		reached := sink.reach(head)
		chain.mine(n)
		sub <- head
		await(t, reached, "the pushed head")
	}
	sink.mustBeContiguous(t, 0, 15)
}

func TestRunPollsWithoutPushes(t *testing.T) {
	tests := []struct {
		name   string
		subErr error
		close  bool // the subscription ends after the first push
	}{
		{"source cannot push", errors.New("notifications not supported"), false},
		{"subscription ends", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := pushingChain{scriptedChain: newScriptedChain(5), subErr: tt.subErr, subs: make(chan chan uint64)}
			sink := &recordingSink{}
			f := newFollower(chain, sink, follow.Config{PollInterval: time.Millisecond, MaxBackoff: time.Millisecond})
			reached := sink.reach(5)
			stop := runInBackground(t, f)
			defer stop()
			if tt.close {
				close(await(t, chain.subs, "a head subscription"))
			}
			await(t, reached, "block 5")
			reached = sink.reach(8)
			chain.mine(3) // no push: the poll finds it
			await(t, reached, "block 8 by polling")
			if tt.close {
				// Once polling has gone on for MaxBackoff, Run subscribes again.
				sub := await(t, chain.subs, "a second head subscription")
				reached = sink.reach(9)
				chain.mine(1)
				sub <- 9
				await(t, reached, "block 9")
			}
		})
	}
}
