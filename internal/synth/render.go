package synth

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/discovery-node/discovery/internal/contracts"
)

// Every log and block is rendered once, when it is appended, into exactly
// the JSON a go-ethereum node sends; serving is then copying bytes.

// event is what a Kind of log carries: its emitting contract and topic.
type event struct {
	address common.Address
	topic   common.Hash
}

func (c Config) events() [3]event {
	return [3]event{
		KindManageEntity:     {c.EntityManager, contracts.ManageEntityTopic},
		KindManageIsVerified: {c.EntityManager, contracts.ManageIsVerifiedTopic},
		KindPlay:             {c.Plays, contracts.PlayTopic},
	}
}

// fakeHash derives a well-spread 32-byte value for fields nothing checks
// (transaction hashes, state roots).
func fakeHash(salt, a, b uint64) common.Hash {
	var h common.Hash
	x := mix64(salt ^ a*0x9e3779b97f4a7c15 ^ b<<48)
	for i := 0; i < 32; i += 8 {
		x = mix64(x + uint64(i))
		binary.BigEndian.PutUint64(h[i:], x)
	}
	return h
}

func appendHex(dst, b []byte) []byte {
	dst = append(dst, '"', '0', 'x')
	n := len(dst)
	dst = slices.Grow(dst, 2*len(b)+1)[:n+2*len(b)]
	hex.Encode(dst[n:], b)
	return append(dst, '"')
}

func appendQuantity(dst []byte, v uint64) []byte {
	dst = append(dst, '"', '0', 'x')
	dst = strconv.AppendUint(dst, v, 16)
	return append(dst, '"')
}

// header builds the block's header. Only the fields an indexer reads are
// meaningful (number, parent hash, time, logs bloom); the others are
// plausible constants, so the header hashes like a real one.
func header(salt uint64, number, time uint64, parent common.Hash, bloom types.Bloom, logs int) *types.Header {
	txRoot := types.EmptyTxsHash
	if logs > 0 {
		txRoot = fakeHash(salt, number, 2)
	}
	return &types.Header{
		ParentHash:  parent,
		UncleHash:   types.EmptyUncleHash,
		Coinbase:    common.HexToAddress("0x5e1f000000000000000000000000000000c01b"),
		Root:        fakeHash(salt, number, 1),
		TxHash:      txRoot,
		ReceiptHash: fakeHash(salt, number, 3),
		Bloom:       bloom,
		Difficulty:  new(big.Int),
		Number:      new(big.Int).SetUint64(number),
		GasLimit:    30_000_000,
		GasUsed:     min(uint64(logs)*55_000, 30_000_000),
		Time:        time,
		MixDigest:   fakeHash(salt, number, 4),
		BaseFee:     big.NewInt(1_000_000_000),
	}
}

// rendered is a block as JSON: the header (newHeads), the block without
// transaction bodies (eth_getBlockByNumber), and its logs, comma-separated,
// with where each starts.
type rendered struct {
	hash    common.Hash
	header  []byte
	block   []byte
	logs    []byte
	offsets []uint32 // start of each log in logs, then len(logs)
	kinds   []Kind
}

// render turns a generated block into JSON, given its parent's hash.
func render(cfg Config, salt uint64, b *Block, parent common.Hash, r *rendered) error {
	evs := cfg.events()
	var bloom types.Bloom
	var seen [3]bool
	for _, l := range b.Logs {
		if !seen[l.Kind] {
			seen[l.Kind] = true
			bloom.Add(evs[l.Kind].address.Bytes())
			bloom.Add(evs[l.Kind].topic.Bytes())
		}
	}
	h := header(salt, b.Number, b.Time, parent, bloom, len(b.Logs))
	hdr, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("rendering header of block %d: %w", b.Number, err)
	}
	r.hash = h.Hash()
	r.header = append(r.header[:0], hdr...)

	r.logs, r.offsets, r.kinds = r.logs[:0], r.offsets[:0], r.kinds[:0]
	r.block = append(r.block[:0], hdr[:len(hdr)-1]...)
	r.block = append(r.block, `,"size":`...)
	r.block = appendQuantity(r.block, uint64(600+len(b.Logs)*700))
	r.block = append(r.block, `,"transactions":[`...)
	for i, l := range b.Logs {
		tx := fakeHash(salt, b.Number, uint64(i)+16)
		if i > 0 {
			r.logs = append(r.logs, ',')
			r.block = append(r.block, ',')
		}
		r.block = appendHex(r.block, tx[:])
		r.offsets = append(r.offsets, uint32(len(r.logs)))
		r.kinds = append(r.kinds, l.Kind)
		ev := evs[l.Kind]
		r.logs = append(r.logs, `{"address":`...)
		r.logs = appendHex(r.logs, ev.address[:])
		r.logs = append(r.logs, `,"topics":[`...)
		r.logs = appendHex(r.logs, ev.topic[:])
		r.logs = append(r.logs, `],"data":`...)
		r.logs = appendHex(r.logs, l.Data)
		r.logs = append(r.logs, `,"blockNumber":`...)
		r.logs = appendQuantity(r.logs, b.Number)
		r.logs = append(r.logs, `,"transactionHash":`...)
		r.logs = appendHex(r.logs, tx[:])
		r.logs = append(r.logs, `,"transactionIndex":`...)
		r.logs = appendQuantity(r.logs, uint64(i))
		r.logs = append(r.logs, `,"blockHash":`...)
		r.logs = appendHex(r.logs, r.hash[:])
		r.logs = append(r.logs, `,"blockTimestamp":`...)
		r.logs = appendQuantity(r.logs, b.Time)
		r.logs = append(r.logs, `,"logIndex":`...)
		r.logs = appendQuantity(r.logs, uint64(i))
		r.logs = append(r.logs, `,"removed":false}`...)
	}
	r.offsets = append(r.offsets, uint32(len(r.logs)))
	r.block = append(r.block, `],"uncles":[]}`...)
	return nil
}
