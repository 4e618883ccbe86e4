package chain_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
)

// Recorded mainnet blocks 22431080..22431090 (see the README beside them).
const (
	fixtures = "../../../shared/fixtures/mainnet/nimbus"
	first    = 22431080
	last     = 22431090
)

var (
	usdt     = common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")
	weth     = common.HexToAddress("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")
	nobody   = common.HexToAddress("0x1111111111111111111111111111111111111111")
	transfer = common.HexToHash("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
)

func dial(t *testing.T, url string, addresses []common.Address, topics []common.Hash, opts chain.Options) *chain.Client {
	t.Helper()
	c, err := chain.Dial(t.Context(), url, addresses, topics, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestBlocksReadsMainnetInOneRequest(t *testing.T) {
	node := chaintest.NewNode(t)
	want := node.LoadFixtures(t, fixtures, first, last)
	c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{})

	head, err := c.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if head != last {
		t.Errorf("Head = %d, want %d", head, last)
	}

	before := node.Requests()
	blocks, err := c.Blocks(t.Context(), first, last)
	if err != nil {
		t.Fatal(err)
	}
	if got := node.Requests() - before; got != 1 {
		t.Errorf("Blocks made %d HTTP requests, want 1 batch", got)
	}
	if got := node.Calls("eth_getBlockByNumber"); got != 11 {
		t.Errorf("eth_getBlockByNumber called %d times, want 11", got)
	}
	if got := node.Calls("eth_getLogs"); got != 1 {
		t.Errorf("eth_getLogs called %d times, want 1", got)
	}
	if len(blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d", len(blocks), len(want))
	}
	for i, b := range blocks {
		if b.BlockRef != want[i] {
			t.Errorf("block %d: got %+v, want %+v", want[i].Number, b.BlockRef, want[i])
		}
		if i > 0 && b.ParentHash != blocks[i-1].Hash {
			t.Errorf("block %d does not link to block %d", b.Number, b.Number-1)
		}
		if len(b.Logs) != 0 {
			t.Errorf("block %d: got %d logs from a node that has none", b.Number, len(b.Logs))
		}
	}
	// The first block, as a block explorer shows it.
	if got, want := blocks[0].BlockRef, (discovery.BlockRef{
		Number:     22431080,
		Hash:       common.HexToHash("0xd03fe9f8c94bc3889addedf5d2f9b54f857c2079238602678b80915bab38e910"),
		ParentHash: common.HexToHash("0x25169c135576e02b5a446433c0fe4b6ae9c275270b385451f96adb4b30663da3"),
		Time:       0x681b3027,
	}); got != want {
		t.Errorf("block 22431080 = %+v, want %+v", got, want)
	}
}

func TestBlocksLogFilter(t *testing.T) {
	tests := []struct {
		name      string
		addresses []common.Address
		topics    []common.Hash
		want      string
		refetch   string // the filter of the bloom refetch of block 22431080, if any
	}{
		{"address only", []common.Address{usdt}, nil,
			`{"fromBlock":"0x1564568","toBlock":"0x156456a","address":["0xdac17f958d2ee523a2206206994597c13d831ec7"]}`, ""},
		{"addresses and topics", []common.Address{usdt, weth}, []common.Hash{transfer},
			`{"fromBlock":"0x1564568","toBlock":"0x156456a","address":["0xdac17f958d2ee523a2206206994597c13d831ec7","0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"],` +
				`"topics":[["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"]]}`,
			`{"blockHash":"0xd03fe9f8c94bc3889addedf5d2f9b54f857c2079238602678b80915bab38e910",` +
				`"address":["0xdac17f958d2ee523a2206206994597c13d831ec7","0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"],` +
				`"topics":[["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"]]}`},
		{"any address", nil, []common.Hash{transfer},
			`{"fromBlock":"0x1564568","toBlock":"0x156456a","topics":[["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"]]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := chaintest.NewNode(t)
			node.LoadFixtures(t, fixtures, first, first+2)
			c := dial(t, node.URL, tt.addresses, tt.topics, chain.Options{})
			if _, err := c.Blocks(t.Context(), first, first+2); err != nil {
				t.Fatal(err)
			}
			filters := node.LogFilters()
			if got := string(filters[0]); got != tt.want {
				t.Errorf("eth_getLogs filter\n got %s\nwant %s", got, tt.want)
			}
			// The node has no logs, but mainnet blocks' blooms admit USDT
			// transfers: with an address and a topic filter, each block's logs
			// are asked for once more by hash.
			if tt.refetch == "" {
				if len(filters) != 1 {
					t.Errorf("%d eth_getLogs calls, want 1: %s", len(filters), filters)
				}
				return
			}
			if len(filters) != 4 || string(filters[1]) != tt.refetch {
				t.Errorf("eth_getLogs filters %s\nwant the range, then 3 by block hash starting with %s", filters, tt.refetch)
			}
		})
	}
}

func TestBlocksSplitsLargeBatches(t *testing.T) {
	// 11 headers, and eth_getLogs with eth_blockNumber (which must share a
	// request, to show the node that answered the logs has the blocks)
	// make 13 calls.
	tests := []struct {
		maxBatch     int
		wantRequests int
	}{
		{0, 1}, {13, 1}, {12, 2}, {11, 2}, {5, 3}, {1, 13},
	}
	for _, tt := range tests {
		node := chaintest.NewNode(t)
		want := node.LoadFixtures(t, fixtures, first, last)
		c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{MaxBatch: tt.maxBatch})
		blocks, err := c.Blocks(t.Context(), first, last)
		if err != nil {
			t.Fatalf("MaxBatch %d: %v", tt.maxBatch, err)
		}
		if got := node.Requests(); got != tt.wantRequests {
			t.Errorf("MaxBatch %d: %d HTTP requests, want %d", tt.maxBatch, got, tt.wantRequests)
		}
		if len(blocks) != len(want) || blocks[len(blocks)-1].BlockRef != want[len(want)-1] {
			t.Errorf("MaxBatch %d: blocks do not match the fixtures", tt.maxBatch)
		}
	}
}

func TestBlocksRefusesBadHeaders(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, n *chaintest.Node)
		wantErr error  // nil: any error
		wantMsg string // a substring naming the block
	}{
		{"tampered parent hash", func(t *testing.T, n *chaintest.Node) {
			n.SetField(t, 22431085, "parentHash", common.Hash{0xba, 0xd})
		}, chain.ErrInconsistent, "block 22431085"},
		{"tampered hash breaks the child's link", func(t *testing.T, n *chaintest.Node) {
			n.SetField(t, 22431083, "hash", common.Hash{0xba, 0xd})
		}, chain.ErrInconsistent, "block 22431084"},
		{"missing block", func(t *testing.T, n *chaintest.Node) {
			n.Drop(22431087)
		}, chain.ErrMissingBlock, "block 22431087"},
		{"missing last block", func(t *testing.T, n *chaintest.Node) {
			n.Drop(last)
		}, chain.ErrMissingBlock, "block 22431090"},
		{"another block's header", func(t *testing.T, n *chaintest.Node) {
			n.SetField(t, 22431082, "number", "0x1564569")
		}, chain.ErrInconsistent, "block 22431082"},
		{"no hash field", func(t *testing.T, n *chaintest.Node) {
			n.SetField(t, 22431081, "hash", nil)
		}, nil, "block 22431081"},
		{"no timestamp field", func(t *testing.T, n *chaintest.Node) {
			n.SetField(t, 22431081, "timestamp", nil)
		}, nil, "block 22431081"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := chaintest.NewNode(t)
			node.LoadFixtures(t, fixtures, first, last)
			tt.tamper(t, node)
			c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{})
			blocks, err := c.Blocks(t.Context(), first, last)
			if err == nil {
				t.Fatalf("got %d blocks, want an error", len(blocks))
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q is not %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name %q", err, tt.wantMsg)
			}
		})
	}
}

// usdtTransfer is a log of a USDT Transfer, which the recorded blocks' blooms
// admit, placed in block num of the fixtures.
func usdtTransfer(t *testing.T, refs []discovery.BlockRef, num uint64, index uint) types.Log {
	t.Helper()
	return types.Log{
		Address:     usdt,
		Topics:      []common.Hash{transfer},
		Data:        common.LeftPadBytes([]byte{0x01, 0x00}, 32),
		BlockNumber: num,
		BlockHash:   refs[num-first].Hash,
		TxHash:      common.Hash{byte(index)},
		Index:       index,
	}
}

func TestBlocksAttachesLogs(t *testing.T) {
	node := chaintest.NewNode(t)
	refs := node.LoadFixtures(t, fixtures, first, last)
	// Out of order on purpose: the client puts logs in (block, index) order.
	logs := []types.Log{
		usdtTransfer(t, refs, 22431084, 0),
		usdtTransfer(t, refs, 22431081, 9),
		usdtTransfer(t, refs, 22431081, 5),
	}
	node.SetLogs(logs)
	c := dial(t, node.URL, []common.Address{usdt}, []common.Hash{transfer}, chain.Options{})
	blocks, err := c.Blocks(t.Context(), first, last)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64][]uint{22431081: {5, 9}, 22431084: {0}}
	for _, b := range blocks {
		var got []uint
		for _, l := range b.Logs {
			if l.BlockHash != b.Hash || l.BlockNumber != b.Number {
				t.Errorf("block %d holds a log of block %d %s", b.Number, l.BlockNumber, l.BlockHash)
			}
			got = append(got, l.Index)
		}
		if !slicesEqual(got, want[b.Number]) {
			t.Errorf("block %d: log indexes %v, want %v", b.Number, got, want[b.Number])
		}
	}
	if got, want := blocks[1].Logs[0].Data, logs[2].Data; string(got) != string(want) {
		t.Errorf("log data %x, want %x", got, want)
	}
}

func slicesEqual(a, b []uint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBlocksRefusesBadLogs(t *testing.T) {
	tests := []struct {
		name    string
		log     func(refs []discovery.BlockRef) types.Log
		wantMsg string
	}{
		{"log from another chain", func(refs []discovery.BlockRef) types.Log {
			l := usdtTransfer(t, refs, 22431086, 3)
			l.BlockHash = common.Hash{0xf0, 0x4c}
			return l
		}, "log 3 of block 22431086: its block hash"},
		{"removed log", func(refs []discovery.BlockRef) types.Log {
			l := usdtTransfer(t, refs, 22431086, 3)
			l.Removed = true
			return l
		}, "log 3 of block 22431086: the node marked it removed"},
		{"address not asked for", func(refs []discovery.BlockRef) types.Log {
			l := usdtTransfer(t, refs, 22431083, 1)
			l.Address = weth
			return l
		}, "address 0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2 was not asked for"},
		{"topic not asked for", func(refs []discovery.BlockRef) types.Log {
			l := usdtTransfer(t, refs, 22431083, 1)
			l.Topics[0] = common.Hash{1}
			return l
		}, "log 1 of block 22431083: its first topic was not asked for"},
		{"address outside the bloom", func(refs []discovery.BlockRef) types.Log {
			l := usdtTransfer(t, refs, 22431082, 1)
			l.Address = nobody
			return l
		}, "log 1 of block 22431082: the block's logs bloom rules out its address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := chaintest.NewNode(t)
			refs := node.LoadFixtures(t, fixtures, first, last)
			node.SetLogs([]types.Log{usdtTransfer(t, refs, first, 0), tt.log(refs)})
			c := dial(t, node.URL, []common.Address{usdt, nobody}, []common.Hash{transfer}, chain.Options{})
			blocks, err := c.Blocks(t.Context(), first, last)
			if err == nil {
				t.Fatalf("got %d blocks, want an error", len(blocks))
			}
			if !errors.Is(err, chain.ErrInconsistent) {
				t.Errorf("error %q is not ErrInconsistent", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestBlocksDuplicateLog(t *testing.T) {
	node := chaintest.NewNode(t)
	refs := node.LoadFixtures(t, fixtures, first, last)
	l := usdtTransfer(t, refs, 22431088, 7)
	node.SetLogs([]types.Log{l, l})
	c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{})
	if _, err := c.Blocks(t.Context(), first, last); !errors.Is(err, chain.ErrInconsistent) || !strings.Contains(err.Error(), "block 22431088") {
		t.Errorf("Blocks = %v, want ErrInconsistent naming block 22431088", err)
	}
}

func TestBlocksBloomCheckCanBeSkipped(t *testing.T) {
	node := chaintest.NewNode(t)
	refs := node.LoadFixtures(t, fixtures, first, last)
	l := usdtTransfer(t, refs, 22431082, 1)
	l.Address = nobody
	node.SetLogs([]types.Log{l})
	c := dial(t, node.URL, []common.Address{nobody}, nil, chain.Options{SkipBloomCheck: true})
	blocks, err := c.Blocks(t.Context(), first, last)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(blocks[2].Logs); got != 1 {
		t.Errorf("block 22431082 has %d logs, want 1", got)
	}
}

func TestBlocksRejectsBadRanges(t *testing.T) {
	node := chaintest.NewNode(t)
	c := dial(t, node.URL, nil, nil, chain.Options{})
	for _, r := range [][2]uint64{{5, 4}, {0, chain.MaxRange}, {0, ^uint64(0)}} {
		_, err := c.Blocks(context.Background(), r[0], r[1])
		if discovery.ErrorCode(err) != discovery.EINVALID {
			t.Errorf("Blocks(%d, %d) = %v, want an EINVALID error", r[0], r[1], err)
		}
	}
	if node.Requests() != 0 {
		t.Errorf("invalid ranges reached the node")
	}
}

func TestHeadSaysWhatFailed(t *testing.T) {
	node := chaintest.NewNode(t)
	c := dial(t, node.URL, nil, nil, chain.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Head(ctx); err == nil || !strings.Contains(err.Error(), "reading chain head") {
		t.Errorf("Head with a cancelled context = %v, want an error saying what failed", err)
	}
}

func TestBlocksReportsLogErrors(t *testing.T) {
	node := chaintest.NewNode(t)
	node.LoadFixtures(t, fixtures, first, last)
	node.SetLogsError("query returned more than 10000 results")
	c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{})
	_, err := c.Blocks(t.Context(), first, last)
	want := "fetching logs of block 22431080: the node refuses even one block: query returned more than 10000 results"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Blocks = %v, want %q", err, want)
	}
	// 11 blocks, then 5, 2 and 1: the range was halved down to one block.
	if got := node.Calls("eth_getLogs"); got != 4 {
		t.Errorf("eth_getLogs called %d times, want 4", got)
	}
}

func TestBlocksDistrustsNodeBehindTheRange(t *testing.T) {
	node := chaintest.NewNode(t)
	node.LoadFixtures(t, fixtures, first, last)
	// The node serves every header, but its head says it has not
	// processed the last blocks: its logs for them cannot be trusted.
	node.SetHead(22431087)
	c := dial(t, node.URL, []common.Address{usdt}, nil, chain.Options{})
	_, err := c.Blocks(t.Context(), first, last)
	if !errors.Is(err, chain.ErrMissingBlock) || !strings.Contains(err.Error(), "the node's head 22431087 is behind block 22431090") {
		t.Errorf("Blocks = %v, want ErrMissingBlock saying the head is behind", err)
	}
}
