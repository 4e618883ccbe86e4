package chain_test

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/rpcproxy"
)

// TestBlocksAdaptsLogRanges reads 43 blocks through a proxy that refuses
// eth_getLogs over more than 8 blocks, the way several providers word it.
// Every log must still arrive; a provider's suggested range is used when it
// is sound (2 splits instead of 4) and ignored otherwise; and once the
// limit is gone the range grows back to the maximum.
func TestBlocksAdaptsLogRanges(t *testing.T) {
	lc := newLogChain(t, 40)
	if lc.head != 42 {
		t.Fatalf("chain head %d, the split counts below assume 42", lc.head)
	}
	want := lc.direct(t, 0, lc.head)
	lying := func(from, to uint64) (int, string) {
		return -32005, fmt.Sprintf("query returned more than 10000 results. Try with this block range [%#x, %#x].", from+1, to+50)
	}
	noProgress := func(from, to uint64) (int, string) {
		return -32005, fmt.Sprintf("query returned more than 10000 results. Try with this block range [%#x, %#x].", from, to)
	}
	tests := []struct {
		name       string
		refusal    rpcproxy.Refusal
		wantSplits int
		growBack   bool // also check the range grows back once refusals stop
	}{
		// 43 blocks refused, hint 8; after 4 ranges of 8 the range doubles,
		// 32-42 is refused, hint 8 again.
		{"infura with a hint", rpcproxy.Infura(8), 2, true},
		{"alchemy with a hint", rpcproxy.Alchemy(8), 2, false},
		// 43 → 21 → 10 → 5; four ranges of 5 double it to 10; 20-29 refused.
		{"geth", rpcproxy.Geth(8), 4, true},
		{"quicknode", rpcproxy.QuickNode(8), 4, false},
		{"hint outside the range", lying, 4, false},
		{"hint making no progress", noProgress, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := rpcproxy.Start(t, lc.sim.URL)
			proxy.Add(rpcproxy.Rule{Fault: rpcproxy.RefuseRange, MaxRange: 8, Refusal: tt.refusal})
			opts := newFastOptions(t)
			opts.MaxLogRange = 64
			c := opts.client(t, []string{proxy.URL}, []common.Address{lc.watched}, []common.Hash{ping})

			got, err := c.Blocks(t.Context(), 0, lc.head)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, got, want)
			refused := proxy.Injected(rpcproxy.RefuseRange)
			splits := int(opts.metric(t, "discovery_chain_getlogs_range_splits_total"))
			if refused != tt.wantSplits || splits != tt.wantSplits {
				t.Errorf("%d ranges refused, %d splits counted; want %d of each", refused, splits, tt.wantSplits)
			}
			// At most one doubling since the last refusal.
			if r := c.LogRange(); r > 16 {
				t.Errorf("LogRange = %d after refusals of ranges over 8", r)
			}
			if len(opts.recordedWaits()) != 0 {
				t.Errorf("waited %v: a refused range is split at once", opts.recordedWaits())
			}

			if !tt.growBack {
				return
			}
			proxy.Clear()
			for i := 0; c.LogRange() < 64; i++ {
				if i == 20 {
					t.Fatalf("LogRange still %d after %d reads without refusals", c.LogRange(), i)
				}
				got, err := c.Blocks(t.Context(), 0, lc.head)
				if err != nil {
					t.Fatal(err)
				}
				assertSame(t, got, want)
			}
			if g := opts.metric(t, "discovery_chain_getlogs_range"); g != 64 {
				t.Errorf("range gauge = %v, want 64", g)
			}
		})
	}
}

func TestRangeHint(t *testing.T) {
	tests := []struct {
		msg      string
		from, to uint64
		want     uint64 // 0: no usable hint
	}{
		{"query returned more than 10000 results. Try with this block range [0x10, 0x17].", 0x10, 0x40, 0x17},
		{"Based on your parameters, this block range should work: [0x10, 0x10]", 0x10, 0x40, 0x10},
		{"this block range should work: [0xA, 0x1F]", 0xa, 0x40, 0x1f},
		{"Try with this block range [0x11, 0x17].", 0x10, 0x40, 0}, // skips block 0x10
		{"Try with this block range [0xf, 0x17].", 0x10, 0x40, 0},  // starts before the range
		{"Try with this block range [0x10, 0x40].", 0x10, 0x40, 0}, // no smaller
		{"Try with this block range [0x10, 0x90].", 0x10, 0x40, 0}, // beyond the range
		{"Try with this block range [0x17, 0x10].", 0x10, 0x40, 0}, // backwards
		{"Try with this block range [16, 23].", 0x10, 0x40, 0},     // not hex
		{"query returned more than 10000 results", 0x10, 0x40, 0},
	}
	for _, tt := range tests {
		got, ok := chain.RangeHint(tt.msg, tt.from, tt.to)
		if ok != (tt.want != 0) || got != tt.want {
			t.Errorf("RangeHint(%q, %#x, %#x) = %#x, %v; want %#x", tt.msg, tt.from, tt.to, got, ok, tt.want)
		}
	}
}

func TestIsTooLarge(t *testing.T) {
	tests := []struct {
		msg  string
		code int
		want bool
	}{
		{"query returned more than 10000 results", -32005, true},                                                    // Infura, geth's old limit
		{"Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range", -32602, true}, // Alchemy
		{"eth_getLogs is limited to a 10000 range", -32614, true},                                                   // QuickNode
		{"eth_getLogs and eth_newFilter are limited to a 10,000 blocks range", -32602, true},                        // QuickNode
		{"exceed maximum block range 5000", -32602, true},                                                           // geth --rpc.rangelimit
		{"block range is too wide", -32600, true},                                                                   // Ankr
		{"query exceeds max results 20000, retry with the range 1-2", -32602, true},                                 // Erigon
		{"block range greater than 10000 max", -32000, true},                                                        // OP stack
		{"requested too many blocks from 1 to 50000, maximum is set to 10000", -32000, true},                        // dRPC
		{"limit exceeded", -32005, true},                                                                            // EIP-1474 code alone
		{"daily request count exceeded, request rate limited", -32005, false},                                       // Infura rate limit
		{"Your app has exceeded its compute units per second capacity", 429, false},                                 // Alchemy rate limit
		{"header not found", -32000, false},
		{"execution reverted", 3, false},
	}
	for _, tt := range tests {
		if got := chain.IsTooLarge(tt.msg, tt.code); got != tt.want {
			t.Errorf("IsTooLarge(%q, %d) = %v, want %v", tt.msg, tt.code, got, tt.want)
		}
	}
}
