package chain_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery/internal/rpcproxy"
)

// TestBlocksRefetchesLogsTheBloomPromises drops the logs of a block whose
// bloom admits the watched address and topic, as a lagging node behind a
// load balancer would, and checks that they are asked for once more by
// block hash: recovered when the node has them, accepted as missing (and
// counted) when it still answers nothing.
func TestBlocksRefetchesLogsTheBloomPromises(t *testing.T) {
	lc := newLogChain(t, 6)
	want := lc.direct(t, 0, lc.head)
	const dropped = 5 // the third block after the deployments: two watched logs
	if len(want[dropped].Logs) != 2 {
		t.Fatalf("block %d has %d watched logs, want 2", dropped, len(want[dropped].Logs))
	}
	tests := []struct {
		name          string
		times         int // how often the proxy drops the logs; 0 always
		recovered     float64
		empty         float64
		wantInjected  int
		wantLogsFound bool
	}{
		{"dropped once", 1, 1, 0, 1, true},
		{"dropped every time", 0, 0, 1, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := rpcproxy.Start(t, lc.sim.URL)
			proxy.Add(rpcproxy.Rule{Fault: rpcproxy.DropLogs, Block: dropped, Times: tt.times})
			opts := newFastOptions(t)
			c := opts.client(t, []string{proxy.URL}, []common.Address{lc.watched}, []common.Hash{ping})
			got, err := c.Blocks(t.Context(), 0, lc.head)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantLogsFound {
				assertSame(t, got, want)
			} else {
				if len(got[dropped].Logs) != 0 {
					t.Errorf("block %d has %d logs the node never returned", dropped, len(got[dropped].Logs))
				}
				wantRest := append(want[:dropped:dropped], want[dropped+1:]...)
				gotRest := append(got[:dropped:dropped], got[dropped+1:]...)
				assertSame(t, gotRest, wantRest)
			}
			if n := proxy.Injected(rpcproxy.DropLogs); n != tt.wantInjected {
				t.Errorf("proxy dropped logs %d times, want %d", n, tt.wantInjected)
			}
			if n := opts.metric(t, "discovery_chain_bloom_refetches_total", "result", "recovered"); n != tt.recovered {
				t.Errorf("%v refetches recovered logs, want %v", n, tt.recovered)
			}
			if n := opts.metric(t, "discovery_chain_bloom_refetches_total", "result", "empty"); n != tt.empty {
				t.Errorf("%v refetches came back empty, want %v", n, tt.empty)
			}
			if n := opts.metric(t, "discovery_chain_rpc_requests_total", "method", "eth_getLogs_by_hash"); n != 1 {
				t.Errorf("%v refetch requests, want 1", n)
			}
		})
	}
	t.Run("nothing dropped", func(t *testing.T) {
		proxy := rpcproxy.Start(t, lc.sim.URL)
		opts := newFastOptions(t)
		c := opts.client(t, []string{proxy.URL}, []common.Address{lc.watched}, []common.Hash{ping})
		got, err := c.Blocks(t.Context(), 0, lc.head)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, got, want)
		// Blocks with only the other emitter's logs: their blooms rule out
		// the watched address, so nothing is asked again.
		if n := opts.metric(t, "discovery_chain_bloom_refetches_total"); n != 0 {
			t.Errorf("%v refetches with nothing dropped, want 0", n)
		}
		if n := proxy.Requests(); n != 1 {
			t.Errorf("%d requests, want 1 batch", n)
		}
	})
}
