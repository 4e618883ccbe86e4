package rpcproxy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/chain/chaintest"
	"github.com/discovery-node/discovery/internal/rpcproxy"
)

// chainWithLogs is a simulated chain where an emitter logged once in each
// of blocks 2..6.
func chainWithLogs(t *testing.T) (*chaintest.Sim, common.Address) {
	t.Helper()
	sim := chaintest.NewSimWith(t, chaintest.SimOptions{HTTP: true})
	emitter := sim.DeployEmitter(t, crypto.Keccak256Hash([]byte("Ping(bytes)")))
	for i := range 5 {
		sim.Send(t, &emitter, []byte{byte(i)})
		sim.Mine(t)
	}
	return sim, emitter
}

// post sends body to url and returns the status, the Retry-After header
// and the answer.
func post(t *testing.T, url, body string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), b
}

const batch = `[{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]},` +
	`{"jsonrpc":"2.0","id":2,"method":"eth_getBlockByNumber","params":["0x5",false]}]`

func TestRequestFaults(t *testing.T) {
	sim, _ := chainWithLogs(t)
	tests := []struct {
		rule       rpcproxy.Rule
		status     int
		retryAfter string
		validJSON  bool
	}{
		{rpcproxy.Rule{Fault: rpcproxy.RateLimit, RetryAfter: "3"}, http.StatusTooManyRequests, "3", true},
		{rpcproxy.Rule{Fault: rpcproxy.RateLimit}, http.StatusTooManyRequests, "", true},
		{rpcproxy.Rule{Fault: rpcproxy.ServerError}, http.StatusInternalServerError, "", false},
		{rpcproxy.Rule{Fault: rpcproxy.Truncate}, http.StatusOK, "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule.Fault), func(t *testing.T) {
			p := rpcproxy.Start(t, sim.URL)
			tt.rule.Times = 1
			p.Add(tt.rule)
			status, retryAfter, body := post(t, p.URL, batch)
			if status != tt.status || retryAfter != tt.retryAfter || json.Valid(body) != tt.validJSON {
				t.Errorf("status %d, Retry-After %q, valid JSON %v; want %d, %q, %v: %s",
					status, retryAfter, json.Valid(body), tt.status, tt.retryAfter, tt.validJSON, body)
			}
			// Spent after one request: the next is the node's answer.
			status, _, body = post(t, p.URL, batch)
			var answers []map[string]any
			if status != http.StatusOK || json.Unmarshal(body, &answers) != nil || len(answers) != 2 {
				t.Errorf("second request: status %d, answer %s; want the node's two answers", status, body)
			}
			if n := p.Injected(tt.rule.Fault); n != 1 {
				t.Errorf("Injected = %d, want 1", n)
			}
		})
	}
}

func TestHangUntilTheClientGivesUp(t *testing.T) {
	sim, _ := chainWithLogs(t)
	p := rpcproxy.Start(t, sim.URL)
	p.Add(rpcproxy.Rule{Fault: rpcproxy.Hang, Method: "eth_getBlockByNumber"})
	rc, err := rpc.DialContext(t.Context(), p.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var head hexutil.Uint64
	if err := rc.CallContext(t.Context(), &head, "eth_blockNumber"); err != nil {
		t.Fatalf("eth_blockNumber, which the rule spares: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	var block map[string]any
	if err := rc.CallContext(ctx, &block, "eth_getBlockByNumber", "0x1", false); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("eth_getBlockByNumber = %v, want the client's deadline", err)
	}
	if n := p.Injected(rpcproxy.Hang); n != 1 {
		t.Errorf("Injected = %d, want 1", n)
	}
}

// TestCallFaultsInABatch checks each call-level fault rewrites only the
// calls it concerns, inside one batch.
func TestCallFaultsInABatch(t *testing.T) {
	sim, emitter := chainWithLogs(t)
	rc := func(t *testing.T, url string) *rpc.Client {
		c, err := rpc.DialContext(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	type answer struct {
		head   hexutil.Uint64
		block4 map[string]any
		block6 map[string]any
		logs   []struct {
			BlockNumber hexutil.Uint64 `json:"blockNumber"`
		}
		errs []error
	}
	read := func(t *testing.T, c *rpc.Client) answer {
		var a answer
		filter := map[string]any{"fromBlock": "0x1", "toBlock": "0x6", "address": emitter}
		calls := []rpc.BatchElem{
			{Method: "eth_blockNumber", Result: &a.head},
			{Method: "eth_getBlockByNumber", Args: []any{"0x4", false}, Result: &a.block4},
			{Method: "eth_getBlockByNumber", Args: []any{"0x6", false}, Result: &a.block6},
			{Method: "eth_getLogs", Args: []any{filter}, Result: &a.logs},
		}
		if err := c.BatchCallContext(t.Context(), calls); err != nil {
			t.Fatal(err)
		}
		for _, call := range calls {
			a.errs = append(a.errs, call.Error)
		}
		return a
	}
	logBlocks := func(a answer) []uint64 {
		var ns []uint64
		for _, l := range a.logs {
			ns = append(ns, uint64(l.BlockNumber))
		}
		return ns
	}

	direct := read(t, rc(t, sim.URL))
	if direct.head != 6 || len(logBlocks(direct)) != 5 {
		t.Fatalf("the node answers head %d and logs in blocks %v; want 6 and 2..6", direct.head, logBlocks(direct))
	}

	t.Run("behind", func(t *testing.T) {
		p := rpcproxy.Start(t, sim.URL)
		p.Add(rpcproxy.Rule{Fault: rpcproxy.Behind, Block: 4})
		a := read(t, rc(t, p.URL))
		if a.head != 4 || a.block4 == nil || a.block6 != nil {
			t.Errorf("head %d, has block 4 %v, has block 6 %v; want head 4, block 4 and no block 6", a.head, a.block4 != nil, a.block6 != nil)
		}
		if got := logBlocks(a); !slices.Equal(got, []uint64{2, 3, 4}) {
			t.Errorf("logs of blocks %v, want 2, 3, 4", got)
		}
		if n := p.Injected(rpcproxy.Behind); n != 3 {
			t.Errorf("Injected = %d, want 3 (head, block 6, logs)", n)
		}
	})
	t.Run("drop logs", func(t *testing.T) {
		p := rpcproxy.Start(t, sim.URL)
		p.Add(rpcproxy.Rule{Fault: rpcproxy.DropLogs, Block: 3, Times: 1})
		c := rc(t, p.URL)
		if got := logBlocks(read(t, c)); !slices.Equal(got, []uint64{2, 4, 5, 6}) {
			t.Errorf("logs of blocks %v, want all but 3", got)
		}
		if got := logBlocks(read(t, c)); !slices.Equal(got, []uint64{2, 3, 4, 5, 6}) {
			t.Errorf("after the rule is spent: logs of blocks %v, want 2..6", got)
		}
		if n := p.Injected(rpcproxy.DropLogs); n != 1 {
			t.Errorf("Injected = %d, want 1", n)
		}
	})
	t.Run("refuse range", func(t *testing.T) {
		p := rpcproxy.Start(t, sim.URL)
		p.Add(rpcproxy.Rule{Fault: rpcproxy.RefuseRange, MaxRange: 4, Refusal: rpcproxy.Alchemy(4)})
		a := read(t, rc(t, p.URL))
		var rpcErr rpc.Error
		if !errors.As(a.errs[3], &rpcErr) || rpcErr.ErrorCode() != -32602 ||
			!strings.Contains(rpcErr.Error(), "this block range should work: [0x1, 0x4]") {
			t.Errorf("eth_getLogs error %v, want Alchemy's refusal suggesting [0x1, 0x4]", a.errs[3])
		}
		if a.head != 6 || a.block6 == nil {
			t.Errorf("the other calls were changed: head %d, block 6 %v", a.head, a.block6 != nil)
		}
	})
}

func TestScheduleIsRepeatable(t *testing.T) {
	sim, _ := chainWithLogs(t)
	run := func(seed uint64) []int {
		p := rpcproxy.Start(t, sim.URL)
		p.SetSchedule(&rpcproxy.Schedule{Seed: seed, Rate: 0.5, Faults: []rpcproxy.Fault{rpcproxy.RateLimit, rpcproxy.ServerError}})
		var statuses []int
		for range 40 {
			status, _, _ := post(t, p.URL, batch)
			statuses = append(statuses, status)
		}
		if p.Injected(rpcproxy.RateLimit) == 0 || p.Injected(rpcproxy.ServerError) == 0 || p.Requests() != 40 {
			t.Errorf("seed %d: injected %d rate limits and %d errors in %d requests", seed,
				p.Injected(rpcproxy.RateLimit), p.Injected(rpcproxy.ServerError), p.Requests())
		}
		return statuses
	}
	a, b, c := run(1), run(1), run(2)
	if !slices.Equal(a, b) {
		t.Errorf("seed 1 gave %v, then %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 1 and 2 gave the same faults %v", a)
	}
}
