package synth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/synth"
)

// served is a chain behind a Server behind an httptest server.
type served struct {
	c   *synth.Chain
	srv *synth.Server
	url string
}

func serve(t *testing.T, cfg synth.Config, opts synth.ServerOptions) *served {
	t.Helper()
	c, err := synth.Build(context.Background(), cfg, t.TempDir())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	srv, err := synth.NewServer(c, opts)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close(); c.Close() })
	return &served{c, srv, hs.URL}
}

func dial(t *testing.T, url string) *rpc.Client {
	t.Helper()
	rc, err := rpc.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(rc.Close)
	return rc
}

// TestBlocks checks the block methods: tags, numbers, hashes, and headers
// that hash to the hash served, linked by parent hash.
func TestBlocks(t *testing.T) {
	s := serve(t, synth.Config{Seed: 1, Events: 4000, MinPerBlock: 50, MaxPerBlock: 60}, synth.ServerOptions{FinalityDepth: 10})
	rc := dial(t, s.url)
	ctx := context.Background()
	head := s.c.Head()
	for _, tc := range []struct {
		tag  string
		want uint64
	}{
		{"latest", head}, {"pending", head}, {"finalized", head - 10}, {"safe", head - 10}, {"earliest", 0}, {"0x3", 3},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			var h types.Header
			if err := rc.CallContext(ctx, &h, "eth_getBlockByNumber", tc.tag, false); err != nil {
				t.Fatal(err)
			}
			if h.Number.Uint64() != tc.want || h.Hash() != s.c.Hash(tc.want) {
				t.Fatalf("block %s: number %d hash %s, want %d %s", tc.tag, h.Number, h.Hash(), tc.want, s.c.Hash(tc.want))
			}
		})
	}
	var prev common.Hash
	for n := range head + 1 {
		var raw json.RawMessage
		if err := rc.CallContext(ctx, &raw, "eth_getBlockByHash", s.c.Hash(n), false); err != nil {
			t.Fatal(err)
		}
		var h types.Header
		var body struct {
			Hash common.Hash   `json:"hash"`
			Txs  []common.Hash `json:"transactions"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatal(err)
		}
		if h.Number.Uint64() != n || h.Hash() != body.Hash || h.ParentHash != prev {
			t.Fatalf("block %d: number %d, hash %s served as %s, parent %s after %s", n, h.Number, h.Hash(), body.Hash, h.ParentHash, prev)
		}
		if n > 0 && len(body.Txs) == 0 {
			t.Fatalf("block %d lists no transactions", n)
		}
		prev = h.Hash()
	}
	var missing json.RawMessage
	if err := rc.CallContext(ctx, &missing, "eth_getBlockByNumber", hexutil.Uint64(head+1), false); err != nil || string(missing) != "null" {
		t.Fatalf("block beyond the head: %s, %v; want null", missing, err)
	}
	var id, net string
	var syncing bool
	var num hexutil.Uint64
	for _, call := range []rpc.BatchElem{
		{Method: "eth_chainId", Result: &id}, {Method: "net_version", Result: &net},
		{Method: "eth_syncing", Result: &syncing}, {Method: "eth_blockNumber", Result: &num},
	} {
		if err := rc.CallContext(ctx, call.Result, call.Method); err != nil {
			t.Fatalf("%s: %v", call.Method, err)
		}
	}
	if id != "0x539" || net != "1337" || syncing || uint64(num) != head {
		t.Fatalf("chain id %s, net %s, syncing %v, head %d", id, net, syncing, num)
	}
}

// TestLogs checks eth_getLogs filters against the generator's counts, and
// that every log belongs to the block it names, as the follower checks.
func TestLogs(t *testing.T) {
	s := serve(t, synth.Config{Seed: 2, Events: 3000}, synth.ServerOptions{MaxLogRange: 1000})
	rc := dial(t, s.url)
	ctx := context.Background()
	st := s.c.Stats()
	cfg := s.c.Config()
	head := hexutil.Uint64(s.c.Head())
	all := map[string]any{"fromBlock": "0x0", "toBlock": head}
	with := func(k string, v any) map[string]any {
		m := map[string]any{"fromBlock": "0x0", "toBlock": head}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   int
	}{
		{"everything", all, st.Events + st.Plays + st.Verifications},
		{"the plays contract", with("address", cfg.Plays), st.Plays},
		{"both contracts", with("address", []common.Address{cfg.Plays, cfg.EntityManager}), st.Events + st.Plays + st.Verifications},
		{"ManageEntity topic", with("topics", [][]common.Hash{{contracts.ManageEntityTopic}}), st.Events},
		{"topic by itself", with("topics", []any{contracts.PlayTopic}), st.Plays},
		{"null topic", with("topics", []any{nil}), st.Events + st.Plays + st.Verifications},
		{"second topic", with("topics", []any{nil, contracts.PlayTopic}), 0},
		{"another address", with("address", common.HexToAddress("0x01")), 0},
		{"past the head", map[string]any{"fromBlock": head + 1, "toBlock": head + 5}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs []types.Log
			if err := rc.CallContext(ctx, &logs, "eth_getLogs", tc.filter); err != nil {
				t.Fatal(err)
			}
			if len(logs) != tc.want {
				t.Fatalf("%d logs, want %d", len(logs), tc.want)
			}
			for i, l := range logs {
				if l.BlockHash != s.c.Hash(l.BlockNumber) {
					t.Fatalf("log %d of block %d names block hash %s, not %s", l.Index, l.BlockNumber, l.BlockHash, s.c.Hash(l.BlockNumber))
				}
				if i > 0 && (l.BlockNumber < logs[i-1].BlockNumber || (l.BlockNumber == logs[i-1].BlockNumber && l.Index <= logs[i-1].Index)) {
					t.Fatalf("logs out of order at %d", i)
				}
			}
		})
	}
	t.Run("by block hash, with the bloom", func(t *testing.T) {
		var logs []types.Log
		if err := rc.CallContext(ctx, &logs, "eth_getLogs", map[string]any{"blockHash": s.c.Hash(2)}); err != nil {
			t.Fatal(err)
		}
		var h types.Header
		if err := rc.CallContext(ctx, &h, "eth_getBlockByNumber", "0x2", false); err != nil {
			t.Fatal(err)
		}
		if len(logs) < 50 {
			t.Fatalf("block 2 has %d logs", len(logs))
		}
		for _, l := range logs {
			if l.BlockNumber != 2 || !h.Bloom.Test(l.Address.Bytes()) || !h.Bloom.Test(l.Topics[0].Bytes()) {
				t.Fatalf("log %d: block %d, or its bloom rules it out", l.Index, l.BlockNumber)
			}
		}
	})
	for _, tc := range []struct {
		name   string
		filter map[string]any
		code   int
	}{
		{"range over the limit", map[string]any{"fromBlock": "0x0", "toBlock": hexutil.Uint64(1000)}, -32005},
		{"from after to", map[string]any{"fromBlock": "0x5", "toBlock": "0x4"}, -32000},
		{"hash and range", map[string]any{"fromBlock": "0x0", "blockHash": s.c.Hash(1)}, -32602},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs []types.Log
			err := rc.CallContext(ctx, &logs, "eth_getLogs", tc.filter)
			var re rpc.Error
			if !errors.As(err, &re) || re.ErrorCode() != tc.code {
				t.Fatalf("error %v, want code %d", err, tc.code)
			}
		})
	}
	if ss := s.srv.Stats(); ss.HTTPRequests == 0 || ss.ResponseBytes == 0 || ss.Calls["eth_getLogs"] == 0 {
		t.Fatalf("server stats not counted: %+v", ss)
	}
}

// TestNewHeads reveals a tail block by block and checks that WebSocket
// subscribers hear of each, and that unrevealed blocks are not served.
func TestNewHeads(t *testing.T) {
	s := serve(t, synth.Config{Seed: 3, Events: 500, ProbeEveryBlock: true, TailBlocks: 3}, synth.ServerOptions{})
	ws := dial(t, "ws"+strings.TrimPrefix(s.url, "http"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	heads := make(chan *types.Header, 8)
	sub, err := ws.EthSubscribe(ctx, heads, "newHeads")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	first := s.c.Head()
	if last := uint64(s.c.Len() - 1); last != first+3 {
		t.Fatalf("head %d of %d blocks: the tail should be unrevealed", first, s.c.Len())
	}
	for n := first + 1; n <= first+3; n++ {
		var before json.RawMessage
		if err := ws.CallContext(ctx, &before, "eth_getBlockByNumber", hexutil.Uint64(n), false); err != nil || string(before) != "null" {
			t.Fatalf("unrevealed block %d served: %s %v", n, before, err)
		}
		if err := s.c.Reveal(n); err != nil {
			t.Fatal(err)
		}
		select {
		case h := <-heads:
			if h.Number.Uint64() != n || h.Hash() != s.c.Hash(n) {
				t.Fatalf("new head %d %s, want %d %s", h.Number, h.Hash(), n, s.c.Hash(n))
			}
		case err := <-sub.Err():
			t.Fatal(err)
		case <-ctx.Done():
			t.Fatalf("no new head for block %d", n)
		}
		if s.c.Probe(n) == 0 || s.c.RevealedAt(n).IsZero() {
			t.Fatalf("block %d: probe %d revealed at %v", n, s.c.Probe(n), s.c.RevealedAt(n))
		}
	}
}
