// Package chaintest gives tests of chain-following code a node to talk to:
// Node replays recorded mainnet blocks over HTTP JSON-RPC and lets a test
// tamper with its answers, and Sim is a real go-ethereum simulated chain
// reachable over IPC. It lives apart from package chain so the follower's
// tests can use the same nodes.
package chaintest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery"
)

// Node is a JSON-RPC node over HTTP answering eth_blockNumber,
// eth_getBlockByNumber and eth_getLogs, singly or in batches, from blocks a
// test loaded. It counts what it is asked so tests can see batching.
type Node struct {
	URL string

	mu       sync.Mutex
	blocks   map[uint64]*block
	head     uint64
	logs     []types.Log
	requests int
	calls    map[string]int
	filters  []json.RawMessage
	logsErr  string
}

// NewNode starts a Node with no blocks; it stops when the test ends.
func NewNode(t testing.TB) *Node {
	t.Helper()
	n := &Node{blocks: map[uint64]*block{}, calls: map[string]int{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", &ethAPI{n: n}); err != nil {
		t.Fatalf("registering fake eth API: %v", err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.requests++
		n.mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		hs.Close()
		srv.Stop()
	})
	n.URL = hs.URL
	return n
}

// LoadFixtures loads dir/<n>.json for n in from..to, each the recorded
// result of eth_getBlockByNumber(n, true), moves the head to the newest and
// returns the blocks' references as the files state them.
func (n *Node) LoadFixtures(t testing.TB, dir string, from, to uint64) []discovery.BlockRef {
	t.Helper()
	var refs []discovery.BlockRef
	for num := from; num <= to; num++ {
		path := filepath.Join(dir, strconv.FormatUint(num, 10)+".json")
		f, err := readFixture(path)
		if err != nil {
			t.Fatal(err)
		}
		ref := FixtureRef(t, f.fields)
		if ref.Number != num {
			t.Fatalf("fixture %s holds block %d", path, ref.Number)
		}
		refs = append(refs, ref)
		n.mu.Lock()
		n.blocks[num] = &block{fields: maps.Clone(f.fields), fullTxs: f.fullTxs}
		n.head = max(n.head, num)
		n.mu.Unlock()
	}
	return refs
}

// fixture is a recorded block split for serving: its fields with
// transactions as hashes, and the full transactions.
type fixture struct {
	fields  map[string]json.RawMessage
	fullTxs json.RawMessage
}

// fixtures caches decoded files across the tests of one binary; decoding
// megabytes of transactions for every test would dominate their runtime.
var fixtures sync.Map // path -> *fixture

func readFixture(path string) (*fixture, error) {
	if f, ok := fixtures.Load(path); ok {
		return f.(*fixture), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("decoding fixture %s: %w", path, err)
	}
	var txs []struct {
		Hash common.Hash `json:"hash"`
	}
	if err := json.Unmarshal(fields["transactions"], &txs); err != nil {
		return nil, fmt.Errorf("decoding transactions of fixture %s: %w", path, err)
	}
	hashes := make([]common.Hash, len(txs))
	for i, tx := range txs {
		hashes[i] = tx.Hash
	}
	f := &fixture{fields: fields, fullTxs: fields["transactions"]}
	if f.fields["transactions"], err = json.Marshal(hashes); err != nil {
		return nil, fmt.Errorf("encoding transaction hashes: %w", err)
	}
	fixtures.Store(path, f)
	return f, nil
}

// FixtureRef reads a block reference out of a recorded block's JSON fields,
// independently of package chain's decoding.
func FixtureRef(t testing.TB, fields map[string]json.RawMessage) discovery.BlockRef {
	t.Helper()
	str := func(name string) string {
		var s string
		if err := json.Unmarshal(fields[name], &s); err != nil {
			t.Fatalf("fixture field %s: %v", name, err)
		}
		return s
	}
	return discovery.BlockRef{
		Number:     hexutil.MustDecodeUint64(str("number")),
		Hash:       common.HexToHash(str("hash")),
		ParentHash: common.HexToHash(str("parentHash")),
		Time:       hexutil.MustDecodeUint64(str("timestamp")),
	}
}

// SetHead sets the block number eth_blockNumber answers.
func (n *Node) SetHead(head uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.head = head
}

// SetField replaces one field of block num's answer, to simulate a node
// that lies or a chain that changed.
func (n *Node) SetField(t testing.TB, num uint64, field string, value any) {
	t.Helper()
	raw, err := json.Marshal(value)
	if err != nil {
		t.Fatalf("encoding field %s: %v", field, err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	b, ok := n.blocks[num]
	if !ok {
		t.Fatalf("block %d is not loaded", num)
	}
	b.fields[field] = raw
}

// Drop forgets block num, so the node answers null for it as a node that
// lags behind would.
func (n *Node) Drop(num uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.blocks, num)
}

// SetLogs sets the logs eth_getLogs draws from; it answers those inside the
// requested block range (or of the requested block hash), in the order
// given, ignoring addresses and topics.
func (n *Node) SetLogs(logs []types.Log) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.logs = append([]types.Log(nil), logs...)
}

// SetLogsError makes eth_getLogs fail with msg, as providers do when a range
// holds too many logs; an empty msg restores answers.
func (n *Node) SetLogsError(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.logsErr = msg
}

// Requests returns the number of HTTP requests served.
func (n *Node) Requests() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.requests
}

// Calls returns how many times method was called, e.g. "eth_getLogs";
// "eth_getLogs(blockHash)" counts the eth_getLogs calls naming one block by
// hash, which "eth_getLogs" counts too.
func (n *Node) Calls(method string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls[method]
}

// LastLogFilter returns the filter object of the latest eth_getLogs call.
func (n *Node) LastLogFilter() json.RawMessage {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.filters) == 0 {
		return nil
	}
	return n.filters[len(n.filters)-1]
}

// LogFilters returns the filter objects of every eth_getLogs call, in the
// order they arrived.
func (n *Node) LogFilters() []json.RawMessage {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]json.RawMessage(nil), n.filters...)
}

// block is what a Node serves for one block number.
type block struct {
	fields  map[string]json.RawMessage // transactions as hashes
	fullTxs json.RawMessage
}

// ethAPI is the "eth" namespace served by a Node.
type ethAPI struct{ n *Node }

func (a *ethAPI) BlockNumber() hexutil.Uint64 {
	a.n.mu.Lock()
	defer a.n.mu.Unlock()
	a.n.calls["eth_blockNumber"]++
	return hexutil.Uint64(a.n.head)
}

func (a *ethAPI) GetBlockByNumber(num hexutil.Uint64, fullTx bool) (json.RawMessage, error) {
	a.n.mu.Lock()
	defer a.n.mu.Unlock()
	a.n.calls["eth_getBlockByNumber"]++
	b, ok := a.n.blocks[uint64(num)]
	if !ok {
		return nil, nil // JSON null: the node does not have the block
	}
	if !fullTx {
		return json.Marshal(b.fields)
	}
	fields := maps.Clone(b.fields)
	fields["transactions"] = b.fullTxs
	return json.Marshal(fields)
}

func (a *ethAPI) GetLogs(filter json.RawMessage) ([]types.Log, error) {
	a.n.mu.Lock()
	defer a.n.mu.Unlock()
	a.n.calls["eth_getLogs"]++
	a.n.filters = append(a.n.filters, filter)
	if a.n.logsErr != "" {
		return nil, errors.New(a.n.logsErr)
	}
	var f struct {
		FromBlock *hexutil.Uint64 `json:"fromBlock"`
		ToBlock   *hexutil.Uint64 `json:"toBlock"`
		BlockHash *common.Hash    `json:"blockHash"`
	}
	if err := json.Unmarshal(filter, &f); err != nil {
		return nil, fmt.Errorf("decoding filter: %w", err)
	}
	logs := []types.Log{}
	switch {
	case f.BlockHash != nil && f.FromBlock == nil && f.ToBlock == nil:
		a.n.calls["eth_getLogs(blockHash)"]++
		for _, l := range a.n.logs {
			if l.BlockHash == *f.BlockHash {
				logs = append(logs, l)
			}
		}
	case f.BlockHash == nil && f.FromBlock != nil && f.ToBlock != nil:
		for _, l := range a.n.logs {
			if l.BlockNumber >= uint64(*f.FromBlock) && l.BlockNumber <= uint64(*f.ToBlock) {
				logs = append(logs, l)
			}
		}
	default:
		return nil, errors.New("this node wants fromBlock and toBlock, or blockHash alone")
	}
	return logs, nil
}
