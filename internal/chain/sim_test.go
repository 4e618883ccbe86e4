package chain_test

import (
	"math/big"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/chain/chaintest"
)

// TestBlocksFromSimulatedNode reads a real go-ethereum node: three emitter
// contracts log in a few blocks, and each filter must bring back exactly the
// logs the receipts show for the contracts it watches, in the right blocks.
func TestBlocksFromSimulatedNode(t *testing.T) {
	sim := chaintest.NewSim(t)
	ping := crypto.Keccak256Hash([]byte("Ping(bytes)"))
	pong := crypto.Keccak256Hash([]byte("Pong(bytes)"))
	a := sim.DeployEmitter(t, ping)
	b := sim.DeployEmitter(t, ping)
	c := sim.DeployEmitter(t, pong)

	// Each inner list is one block's calls; an empty list is an empty block.
	plan := [][]common.Address{{a, b, a}, {}, {b}, {a, c}, {c, a, b, a}}
	var receipts []*types.Receipt
	for _, calls := range plan {
		for i, to := range calls {
			sim.Send(t, &to, []byte{byte(len(receipts)), byte(i)})
		}
		_, rs := sim.Mine(t)
		if len(rs) != len(calls) {
			t.Fatalf("mined %d of %d transactions", len(rs), len(calls))
		}
		receipts = append(receipts, rs...)
	}
	head, err := sim.Eth.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		addresses []common.Address
		topics    []common.Hash
		want      []common.Address // emitters whose logs must arrive
	}{
		{"one address", []common.Address{a}, nil, []common.Address{a}},
		{"two addresses", []common.Address{a, c}, nil, []common.Address{a, c}},
		{"address and topic", []common.Address{a, c}, []common.Hash{ping}, []common.Address{a}},
		{"topic of every address", []common.Address{a, b, c}, []common.Hash{pong}, []common.Address{c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := map[uint64][]types.Log{}
			for _, r := range receipts {
				for _, l := range r.Logs {
					for _, addr := range tt.want {
						if l.Address == addr {
							want[l.BlockNumber] = append(want[l.BlockNumber], *l)
						}
					}
				}
			}
			client := chain.New(sim.RPC, tt.addresses, tt.topics, chain.Options{})
			gotHead, err := client.Head(t.Context())
			if err != nil || gotHead != head {
				t.Fatalf("Head = %d, %v; want %d", gotHead, err, head)
			}
			blocks, err := client.Blocks(t.Context(), 0, head)
			if err != nil {
				t.Fatal(err)
			}
			if uint64(len(blocks)) != head+1 {
				t.Fatalf("got %d blocks, want %d", len(blocks), head+1)
			}
			total := 0
			for _, blk := range blocks {
				h, err := sim.Eth.HeaderByNumber(t.Context(), new(big.Int).SetUint64(blk.Number))
				if err != nil {
					t.Fatal(err)
				}
				if blk.Hash != h.Hash() || blk.ParentHash != h.ParentHash || blk.Time != h.Time {
					t.Errorf("block %d = %+v, node's header says hash %s parent %s time %d",
						blk.Number, blk.BlockRef, h.Hash(), h.ParentHash, h.Time)
				}
				if len(blk.Logs) == 0 && len(want[blk.Number]) == 0 {
					continue
				}
				if !reflect.DeepEqual(blk.Logs, want[blk.Number]) {
					t.Errorf("block %d logs:\n got %+v\nwant %+v", blk.Number, blk.Logs, want[blk.Number])
				}
				total += len(blk.Logs)
			}
			if total == 0 {
				t.Error("no logs arrived; the test proves nothing")
			}
		})
	}
}
