package chain_test

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/rpcproxy"
)

// TestBlocksFailsOver puts a dead endpoint and a failing one before a good
// one: the first read moves along to the good one, and later reads go
// straight there while the others cool down.
func TestBlocksFailsOver(t *testing.T) {
	lc := newLogChain(t, 8)
	want := lc.direct(t, 0, lc.head)
	failing := rpcproxy.Start(t, lc.sim.URL)
	failing.Add(rpcproxy.Rule{Fault: rpcproxy.ServerError})
	good := rpcproxy.Start(t, lc.sim.URL)
	opts := newFastOptions(t)
	c := opts.client(t, []string{"http://" + deadURL(t), failing.URL, good.URL}, []common.Address{lc.watched}, []common.Hash{ping})

	for i := range 3 {
		got, err := c.Blocks(t.Context(), 0, lc.head)
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		assertSame(t, got, want)
	}
	if n := opts.metric(t, "discovery_chain_rpc_failovers_total"); n != 2 {
		t.Errorf("%v failovers, want 2 (dead to failing to good, once)", n)
	}
	if n := failing.Requests(); n != 1 {
		t.Errorf("the failing endpoint got %d requests, want 1 before it cooled down", n)
	}
	if n := opts.metric(t, "discovery_chain_rpc_requests_total", "outcome", "transport"); n != 1 {
		t.Errorf("%v requests failed at the transport, want 1 (the dead endpoint)", n)
	}
	if len(opts.recordedWaits()) != 0 {
		t.Errorf("waited %v although a healthy endpoint was left", opts.recordedWaits())
	}
}

// TestBlocksDistrustsNodeBehind serves the chain through a proxy that
// pretends its head is three blocks back: alone it yields ErrMissingBlock
// for the caller to retry later, and before a good endpoint it is passed
// over.
func TestBlocksDistrustsNodeBehind(t *testing.T) {
	lc := newLogChain(t, 8)
	want := lc.direct(t, 0, lc.head)
	behind := rpcproxy.Start(t, lc.sim.URL)
	behind.Add(rpcproxy.Rule{Fault: rpcproxy.Behind, Block: lc.head - 3})
	good := rpcproxy.Start(t, lc.sim.URL)

	t.Run("alone", func(t *testing.T) {
		opts := newFastOptions(t)
		c := opts.client(t, []string{behind.URL}, []common.Address{lc.watched}, []common.Hash{ping})
		_, err := c.Blocks(t.Context(), 0, lc.head)
		if !errors.Is(err, chain.ErrMissingBlock) {
			t.Fatalf("Blocks = %v, want ErrMissingBlock", err)
		}
		if len(opts.recordedWaits()) != 0 {
			t.Errorf("waited %v: a node behind is not retried, the caller tries later", opts.recordedWaits())
		}
		// The blocks it has are served.
		got, err := c.Blocks(t.Context(), 0, lc.head-3)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, got, want[:lc.head-2])
	})
	t.Run("before a good endpoint", func(t *testing.T) {
		opts := newFastOptions(t)
		c := opts.client(t, []string{behind.URL, good.URL}, []common.Address{lc.watched}, []common.Hash{ping})
		got, err := c.Blocks(t.Context(), 0, lc.head)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, got, want)
		if n := opts.metric(t, "discovery_chain_rpc_requests_total", "outcome", "missing_block"); n != 1 {
			t.Errorf("%v answers refused as missing a block, want 1", n)
		}
		if n := opts.metric(t, "discovery_chain_rpc_failovers_total"); n != 1 {
			t.Errorf("%v failovers, want 1", n)
		}
	})
	if behind.Injected(rpcproxy.Behind) == 0 {
		t.Error("the proxy never pretended to be behind")
	}
}
