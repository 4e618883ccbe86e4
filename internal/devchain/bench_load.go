package devchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/contracts"
)

// BenchLoad is what LoadBench put on chain: what an index of it must hold.
type BenchLoad struct {
	Deployment    Deployment     `json:"deployment"`
	Events        int            `json:"events"`   // ManageEntity logs
	Rejected      int            `json:"rejected"` // of them, made to be refused
	RejectedBy    map[string]int `json:"rejected_by"`
	ByAction      map[string]int `json:"by_action"` // the valid ones, by kind
	Plays         int            `json:"plays"`
	Verifications int            `json:"verifications"` // ManageIsVerified logs
	Users         int            `json:"users"`
	Tracks        int            `json:"tracks"`
	Playlists     int            `json:"playlists"`
	MetadataBytes int64          `json:"metadata_bytes"`
	Relayers      int            `json:"relayers"`
	Transactions  int            `json:"transactions"`
	Phases        int            `json:"phases"`
	// FirstBlock and LastBlock bound the blocks holding the loaded logs;
	// EventsByBlock[i] is the ManageEntity logs of block FirstBlock+i.
	FirstBlock    uint64 `json:"first_block"`
	LastBlock     uint64 `json:"last_block"`
	EventsByBlock []int  `json:"events_by_block"`
}

// Logs is every log the indexer counts: ManageEntity, Play and
// ManageIsVerified.
func (l BenchLoad) Logs() int { return l.Events + l.Plays + l.Verifications }

// EventsThrough is the ManageEntity logs up to and including block n.
func (l BenchLoad) EventsThrough(n uint64) int {
	total := 0
	for i, c := range l.EventsByBlock {
		if l.FirstBlock+uint64(i) > n {
			break
		}
		total += c
	}
	return total
}

// BenchKeys returns n relayer keys: RelayerKey, which must deploy the
// contracts (plays and verifications need it), then n-1 more. Like every
// dev key they guard nothing.
func BenchKeys(n int) []*ecdsa.PrivateKey {
	keys := []*ecdsa.PrivateKey{RelayerKey()}
	for i := 1; i < n; i++ {
		keys = append(keys, DevKey(fmt.Sprintf("discovery-bench-relayer-%d", i)))
	}
	return keys
}

// Sending: each relayer keeps at most benchWindow transactions unmined, so
// all of them stay well inside a node's default pool (5,120 pending), and
// sends them benchSendBatch to a JSON-RPC batch.
const (
	benchWindow    = 1000
	benchSendBatch = 100
)

// LoadBench relays cfg's workload to the contracts of d through rc, from
// the accounts of keys at once (keys[0] deployed d; see BenchKeys), phase
// by phase, and returns what it put on chain, as read back from the node's
// logs. Nonces are kept locally and fees fixed from the head's base fee, so
// sending costs one batched call per hundred transactions.
func LoadBench(ctx context.Context, rc *rpc.Client, d Deployment, keys []*ecdsa.PrivateKey, cfg BenchConfig) (BenchLoad, error) {
	if len(keys) == 0 {
		return BenchLoad{}, errors.New("loading the benchmark workload: no relayer keys")
	}
	client := ethclient.NewClient(rc)
	if err := checkPrivileged(ctx, client, d, crypto.PubkeyToAddress(keys[0].PublicKey)); err != nil {
		return BenchLoad{}, err
	}
	p, err := newBenchPlan(cfg, len(keys), time.Now().Unix())
	if err != nil {
		return BenchLoad{}, err
	}
	s, err := newBenchSender(ctx, client, rc, d, keys)
	if err != nil {
		return BenchLoad{}, err
	}
	for i, phase := range p.phases {
		if err := s.send(ctx, phase); err != nil {
			return BenchLoad{}, fmt.Errorf("loading phase %d of %d: %w", i+1, len(p.phases), err)
		}
	}
	load := p.load
	load.Deployment, load.Phases = d, len(p.phases)
	for _, ph := range p.phases {
		load.Transactions += len(ph)
	}
	if err := readBack(ctx, rc, &load); err != nil {
		return BenchLoad{}, err
	}
	return load, nil
}

// benchSender relays steps from several accounts with local nonces.
type benchSender struct {
	rc       *rpc.Client
	d        Deployment
	chainID  *big.Int
	signer   types.Signer
	tip, cap *big.Int
	keys     []*ecdsa.PrivateKey
	nonces   []uint64
}

func newBenchSender(ctx context.Context, client *ethclient.Client, rc *rpc.Client, d Deployment, keys []*ecdsa.PrivateKey) (*benchSender, error) {
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the chain id: %w", err)
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("reading the head's base fee: %w", err)
	}
	base := head.BaseFee
	if base == nil {
		base = big.NewInt(0)
	}
	// A load fills blocks, and each block fuller than half the gas limit
	// raises the base fee by an eighth: a cap of a thousand times today's
	// leaves room for fifty such blocks in a row.
	tip := big.NewInt(1e9)
	s := &benchSender{rc: rc, d: d, chainID: chainID, signer: types.LatestSignerForChainID(chainID), keys: keys,
		tip: tip, cap: new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(1000)), tip)}
	for _, k := range keys {
		n, err := client.PendingNonceAt(ctx, crypto.PubkeyToAddress(k.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("reading relayer nonce: %w", err)
		}
		s.nonces = append(s.nonces, n)
	}
	return s, nil
}

// send relays a phase, each relayer's steps in order, and waits until all
// are mined.
func (s *benchSender) send(ctx context.Context, phase []benchStep) error {
	byRelayer := make([][]benchStep, len(s.keys))
	for _, st := range phase {
		byRelayer[st.relayer] = append(byRelayer[st.relayer], st)
	}
	errs := make([]error, len(s.keys))
	var wg sync.WaitGroup
	for r, steps := range byRelayer {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[r] = s.relay(ctx, r, steps)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// relay sends relayer r's steps benchSendBatch at a time, keeping at most
// benchWindow unmined, then waits for the last.
func (s *benchSender) relay(ctx context.Context, r int, steps []benchStep) error {
	from := crypto.PubkeyToAddress(s.keys[r].PublicKey)
	for start := 0; start < len(steps); start += benchSendBatch {
		batch := steps[start:min(start+benchSendBatch, len(steps))]
		if err := s.awaitNonce(ctx, from, s.nonces[r]+uint64(len(batch)), benchWindow); err != nil {
			return err
		}
		elems := make([]rpc.BatchElem, len(batch))
		hashes := make([]common.Hash, len(batch))
		for i, st := range batch {
			raw, err := s.sign(r, st)
			if err != nil {
				return err
			}
			elems[i] = rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Encode(raw)}, Result: &hashes[i]}
		}
		if err := s.rc.BatchCallContext(ctx, elems); err != nil {
			return fmt.Errorf("relaying from %s: %w", from, err)
		}
		for i, e := range elems {
			if e.Error != nil {
				return fmt.Errorf("relaying %s from %s: %w", batch[i].describe(), from, e.Error)
			}
		}
	}
	return s.awaitNonce(ctx, from, s.nonces[r], 0)
}

// sign makes the transaction of st with r's next nonce.
func (s *benchSender) sign(r int, st benchStep) ([]byte, error) {
	to, data := s.d.EntityManager, st.data
	var gas uint64
	switch {
	case st.key != nil:
		var err error
		if data, err = sign(st.key, s.chainID, s.d.EntityManager, st.action); err != nil {
			return nil, fmt.Errorf("signing %s: %w", st.describe(), err)
		}
		// About 60,000 gas and 110 a byte of calldata (an action of 900
		// bytes takes 155,000), with room to spare: unused gas is refunded.
		gas = 100_000 + 200*uint64(len(data))
	case st.toPlays:
		// A hundred plays take about 270,000 gas; their calldata is
		// mostly zeros.
		to, gas = s.d.Plays, 100_000+60*uint64(len(data))
	default:
		gas = 100_000
	}
	tx, err := types.SignNewTx(s.keys[r], s.signer, &types.DynamicFeeTx{ChainID: s.chainID, Nonce: s.nonces[r],
		GasTipCap: s.tip, GasFeeCap: s.cap, Gas: gas, To: &to, Data: data})
	if err != nil {
		return nil, fmt.Errorf("signing the transaction of %s: %w", st.describe(), err)
	}
	s.nonces[r]++
	return tx.MarshalBinary()
}

// awaitNonce waits until from's mined transactions reach within slack of
// nonce next.
func (s *benchSender) awaitNonce(ctx context.Context, from common.Address, next uint64, slack uint64) error {
	var mined hexutil.Uint64
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if err := s.rc.CallContext(ctx, &mined, "eth_getTransactionCount", from, "latest"); err != nil {
			return fmt.Errorf("reading the nonce of %s: %w", from, err)
		}
		if uint64(mined)+slack >= next {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("relayer %s: transactions stuck at nonce %d, sent up to %d", from, mined, next)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// readBack counts the loaded logs by block, from the node, and checks they
// are what the plan sent: a reverted transaction would leave one out.
func readBack(ctx context.Context, rc *rpc.Client, load *BenchLoad) error {
	var head hexutil.Uint64
	if err := rc.CallContext(ctx, &head, "eth_blockNumber"); err != nil {
		return fmt.Errorf("reading the head: %w", err)
	}
	var events, plays, verified int
	byBlock := map[uint64]int{}
	first, last := uint64(0), uint64(0)
	const span = 20
	for from := load.Deployment.Block; from <= uint64(head); from += span {
		var logs []struct {
			Block  hexutil.Uint64 `json:"blockNumber"`
			Topics []common.Hash  `json:"topics"`
		}
		q := map[string]any{"fromBlock": hexutil.Uint64(from), "toBlock": hexutil.Uint64(min(from+span-1, uint64(head))),
			"address": []common.Address{load.Deployment.EntityManager, load.Deployment.Plays}}
		if err := rc.CallContext(ctx, &logs, "eth_getLogs", q); err != nil {
			return fmt.Errorf("reading back the loaded logs: %w", err)
		}
		for _, lg := range logs {
			if len(lg.Topics) == 0 {
				continue
			}
			b := uint64(lg.Block)
			if first == 0 {
				first = b
			}
			last = b
			switch lg.Topics[0] {
			case contracts.ManageEntityTopic:
				events++
				byBlock[b]++
			case contracts.PlayTopic:
				plays++
			case contracts.ManageIsVerifiedTopic:
				verified++
			}
		}
	}
	if events != load.Events || plays != load.Plays || verified != load.Verifications {
		return fmt.Errorf("the node holds %d ManageEntity, %d Play and %d ManageIsVerified logs; %d, %d and %d were sent (did a transaction revert?)",
			events, plays, verified, load.Events, load.Plays, load.Verifications)
	}
	load.FirstBlock, load.LastBlock = first, last
	load.EventsByBlock = make([]int, last-first+1)
	for b, n := range byBlock {
		load.EventsByBlock[b-first] = n
	}
	return nil
}
