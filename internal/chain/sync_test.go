package chain_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/chain"
)

// syncingNode answers eth_syncing with a progress object for its first
// polls, then false. geth's own eth_syncing cannot be steered, hence the
// fake.
type syncingNode struct {
	mu      sync.Mutex
	polls   int
	syncing int // polls answered with progress
}

type syncProgress struct {
	StartingBlock hexutil.Uint64 `json:"startingBlock"`
	CurrentBlock  hexutil.Uint64 `json:"currentBlock"`
	HighestBlock  hexutil.Uint64 `json:"highestBlock"`
}

func (n *syncingNode) Syncing() (any, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.polls++
	if n.polls > n.syncing {
		return false, nil
	}
	return syncProgress{StartingBlock: 0, CurrentBlock: hexutil.Uint64(100 * n.polls), HighestBlock: 1000}, nil
}

func serveSyncing(t *testing.T, n *syncingNode, namespace string) string {
	t.Helper()
	srv := rpc.NewServer()
	if err := srv.RegisterName(namespace, n); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Stop()
	})
	return hs.URL
}

func TestWaitSynced(t *testing.T) {
	node := &syncingNode{syncing: 3}
	url := serveSyncing(t, node, "eth")
	opts := newFastOptions(t)
	c := opts.client(t, []string{url}, nil, nil)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	if err := c.WaitSynced(t.Context(), log); err != nil {
		t.Fatal(err)
	}
	if node.polls != 4 {
		t.Errorf("polled %d times, want 3 syncing answers and the false one", node.polls)
	}
	if got := len(opts.recordedWaits()); got != 3 {
		t.Errorf("paused %d times between polls, want 3", got)
	}
	for _, want := range []string{"current=100 highest=1000 behind=900", "current=300 highest=1000 behind=700", "chain node synced"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not say %q:\n%s", want, logs.String())
		}
	}
}

func TestWaitSyncedStopsWithContext(t *testing.T) {
	node := &syncingNode{syncing: 1 << 30}
	url := serveSyncing(t, node, "eth")
	opts := newFastOptions(t)
	c := opts.client(t, []string{url}, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	pauses := 0
	chain.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		if pauses++; pauses == 3 {
			cancel()
		}
		return ctx.Err()
	})
	err := c.WaitSynced(ctx, slog.New(slog.DiscardHandler))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting for the chain node to sync") {
		t.Errorf("WaitSynced = %v, want the cancellation, saying what was waited for", err)
	}
	if node.polls != 3 {
		t.Errorf("polled %d times, want 3 before the caller gave up", node.polls)
	}
}

func TestWaitSyncedWithoutEthSyncing(t *testing.T) {
	// A node without eth_syncing (say, a proxy that hides it) counts as
	// synced: waiting for it would wait forever.
	url := serveSyncing(t, &syncingNode{}, "other")
	opts := newFastOptions(t)
	c := opts.client(t, []string{url}, nil, nil)
	if err := c.WaitSynced(t.Context(), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
}
