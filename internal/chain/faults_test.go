package chain_test

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/rpcproxy"
)

// TestBlocksRetriesEachFault sends every request through a proxy that
// fails the first two attempts of the headers batch in one way, and checks
// that the blocks and logs still arrive exactly as the node has them.
func TestBlocksRetriesEachFault(t *testing.T) {
	lc := newLogChain(t, 12)
	want := lc.direct(t, 0, lc.head)
	tests := []struct {
		rule    rpcproxy.Rule
		outcome string          // the request metric's outcome label for the fault
		waits   []time.Duration // nil: any backoff within the ceilings
	}{
		{rpcproxy.Rule{Fault: rpcproxy.Hang}, "timeout", nil},
		{rpcproxy.Rule{Fault: rpcproxy.RateLimit}, "rate_limited", nil},
		// Retry-After asks for 7s; Options.RetryAfterMax caps it at 5ms.
		{rpcproxy.Rule{Fault: rpcproxy.RateLimit, RetryAfter: "7"}, "rate_limited", []time.Duration{5 * time.Millisecond, 5 * time.Millisecond}},
		{rpcproxy.Rule{Fault: rpcproxy.ServerError}, "server_error", nil},
		{rpcproxy.Rule{Fault: rpcproxy.Truncate}, "invalid_json", nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule.Fault)+tt.rule.RetryAfter, func(t *testing.T) {
			proxy := rpcproxy.Start(t, lc.sim.URL)
			tt.rule.Method, tt.rule.Times = "eth_getBlockByNumber", 2
			proxy.Add(tt.rule)
			opts := newFastOptions(t)
			c := opts.client(t, []string{proxy.URL}, []common.Address{lc.watched}, []common.Hash{ping})

			got, err := c.Blocks(t.Context(), 0, lc.head)
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, got, want)
			if n := proxy.Injected(tt.rule.Fault); n != 2 {
				t.Errorf("proxy injected %d faults, want 2", n)
			}
			method := "eth_getBlockByNumber+eth_getLogs"
			if n := opts.metric(t, "discovery_chain_rpc_requests_total", "method", method, "outcome", tt.outcome); n != 2 {
				t.Errorf("%d requests with outcome %s, want 2", int(n), tt.outcome)
			}
			if n := opts.metric(t, "discovery_chain_rpc_retries_total", "method", method); n != 2 {
				t.Errorf("%d retries counted, want 2", int(n))
			}
			waits := opts.recordedWaits()
			if len(waits) != 2 {
				t.Fatalf("waited %d times (%v), want 2", len(waits), waits)
			}
			for i, w := range waits {
				if tt.waits != nil && w != tt.waits[i] {
					t.Errorf("wait %d = %v, want %v", i, w, tt.waits[i])
				}
				// Full jitter: the n-th wait is at most BackoffBase*2^n.
				if ceiling := opts.BackoffBase << i; tt.waits == nil && (w < 0 || w > ceiling) {
					t.Errorf("wait %d = %v, want within [0, %v]", i, w, ceiling)
				}
			}
		})
	}
}

// TestBlocksSurvivesSeededFaults replays a seeded schedule of every
// request-level fault over many small reads.
func TestBlocksSurvivesSeededFaults(t *testing.T) {
	lc := newLogChain(t, 12)
	want := lc.direct(t, 0, lc.head)
	proxy := rpcproxy.Start(t, lc.sim.URL)
	proxy.SetSchedule(&rpcproxy.Schedule{
		Seed: 7, Rate: 0.4, RetryAfter: "1",
		Faults: []rpcproxy.Fault{rpcproxy.Hang, rpcproxy.RateLimit, rpcproxy.ServerError, rpcproxy.Truncate},
	})
	opts := newFastOptions(t)
	opts.MaxAttempts = 20
	opts.RequestTimeout = 200 * time.Millisecond
	c := opts.client(t, []string{proxy.URL}, []common.Address{lc.watched}, []common.Hash{ping})

	var got []discovery.Block
	for from := uint64(0); from <= lc.head; from += 3 {
		blocks, err := c.Blocks(t.Context(), from, min(from+2, lc.head))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, blocks...)
	}
	assertSame(t, got, want)
	for _, f := range []rpcproxy.Fault{rpcproxy.Hang, rpcproxy.RateLimit, rpcproxy.ServerError, rpcproxy.Truncate} {
		if proxy.Injected(f) == 0 {
			t.Errorf("the schedule never injected %s; pick another seed", f)
		}
	}
	if h, err := c.Head(t.Context()); err != nil || h != lc.head {
		t.Errorf("Head = %d, %v; want %d", h, err, lc.head)
	}
}

// TestBlocksGivesUpSayingWhere exhausts the attempts against endpoints that
// always fail, and checks the error names each endpoint without the
// credentials in their URLs.
func TestBlocksGivesUpSayingWhere(t *testing.T) {
	lc := newLogChain(t, 1)
	failing := rpcproxy.Start(t, lc.sim.URL)
	failing.Add(rpcproxy.Rule{Fault: rpcproxy.ServerError})
	dead := deadURL(t)
	opts := newFastOptions(t)
	opts.MaxAttempts = 4
	urls := []string{
		"http://alice:s3cret@" + dead + "/v3/APIKEY123?token=T0KEN",
		failing.URL + "/v2/OTHERKEY",
	}
	c := opts.client(t, urls, []common.Address{lc.watched}, nil)
	_, err := c.Blocks(t.Context(), 0, lc.head)
	if err == nil {
		t.Fatal("Blocks succeeded against failing endpoints")
	}
	msg := err.Error()
	t.Log(msg)
	for _, secret := range []string{"s3cret", "APIKEY123", "T0KEN", "OTHERKEY"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error shows the secret %q: %s", secret, msg)
		}
	}
	for _, part := range []string{
		"fetching blocks 0-" + strconv.FormatUint(lc.head, 10), "gave up after 4 attempts",
		"http://alice:xxxxx@" + dead + "/...", strings.TrimPrefix(failing.URL, "http://") + "/...", "500 Internal Server Error",
	} {
		if !strings.Contains(msg, part) {
			t.Errorf("error does not say %q: %s", part, msg)
		}
	}
	// Both endpoints were tried twice: a failover, then two waits and a
	// failover when both were cooling down.
	if n := opts.metric(t, "discovery_chain_rpc_failovers_total"); n != 1 {
		t.Errorf("%v failovers, want 1", n)
	}
}

// deadURL returns a loopback host:port where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
