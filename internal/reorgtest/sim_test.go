package reorgtest

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
)

// simChain is go-ethereum's simulated chain, reached over an IPC socket the
// way the follower reaches a real node, with a funded relayer that pays for
// every action. Blocks are mined only on Commit, and Fork rewinds the chain
// to an earlier block so the next commits build a competing branch.
type simChain struct {
	backend *simulated.Backend
	rc      *rpc.Client
	dir     string // holds the IPC socket
	closed  bool
	chainID *big.Int
	relayer *ecdsa.PrivateKey
	from    common.Address
	nonce   uint64 // the relayer's next nonce
	unmined []call // sent since the last commit
}

// call is a transaction the relayer sends.
type call struct {
	to   *common.Address
	data []byte
	gas  uint64
}

func newSimChain(t testing.TB) *simChain {
	t.Helper()
	s, err := openSimChain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.close(); err != nil {
			t.Errorf("closing simulated chain: %v", err)
		}
	})
	return s
}

// openSimChain starts a simulated chain; the caller must close it.
func openSimChain(ctx context.Context) (*simChain, error) {
	relayer := devchain.DevKey("reorgtest-relayer")
	from := crypto.PubkeyToAddress(relayer.PublicKey)
	// A unix socket path must stay short, which t.TempDir does not promise.
	dir, err := os.MkdirTemp("", "sim")
	if err != nil {
		return nil, err
	}
	ipc := filepath.Join(dir, "geth.ipc")
	backend := simulated.NewBackend(
		types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(1_000_000))}},
		func(nc *node.Config, _ *ethconfig.Config) { nc.IPCPath = ipc },
	)
	rc, err := rpc.DialContext(ctx, ipc)
	if err != nil {
		_ = backend.Close()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("dialling simulated node: %w", err)
	}
	return &simChain{backend: backend, rc: rc, dir: dir, chainID: big.NewInt(1337), relayer: relayer, from: from}, nil
}

// close stops the chain; closing it again does nothing.
func (s *simChain) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.rc.Close()
	err := s.backend.Close()
	_ = os.RemoveAll(s.dir)
	return err
}

// send submits a transaction from the relayer; the next commit mines it.
func (s *simChain) send(t testing.TB, to *common.Address, data []byte, gas uint64) {
	t.Helper()
	s.unmined = append(s.unmined, call{to, data, gas})
	s.submit(t, s.unmined[len(s.unmined)-1])
}

func (s *simChain) submit(t testing.TB, c call) {
	t.Helper()
	tx := types.MustSignNewTx(s.relayer, types.LatestSignerForChainID(s.chainID), &types.DynamicFeeTx{
		ChainID:   s.chainID,
		Nonce:     s.nonce,
		GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: big.NewInt(100 * params.GWei),
		Gas:       c.gas,
		To:        c.to,
		Data:      c.data,
	})
	if err := s.client().SendTransaction(context.Background(), tx); err != nil {
		t.Fatalf("sending transaction %d: %v", s.nonce, err)
	}
	s.nonce++
}

// commit mines the sent transactions into a new block. The simulated pool
// admits transactions asynchronously and, after a fork, now and then loses
// one; so commit first waits until exactly the sent transactions are
// pending, and when they do not all arrive, empties the pool and sends them
// again. A block then holds exactly what the scenario sent, and a scenario
// replays the same from its seed.
func (s *simChain) commit(t testing.TB) *types.Header {
	t.Helper()
	for mined := 0; ; mined++ {
		for attempt := 0; !s.poolHoldsUnmined(t); attempt++ {
			if attempt == 10 {
				t.Fatalf("the pool does not hold the %d transactions sent", len(s.unmined))
			}
			s.resend(t)
		}
		hash := s.backend.Commit()
		h, err := s.client().HeaderByHash(context.Background(), hash)
		if err != nil {
			t.Fatalf("reading committed block %s: %v", hash, err)
		}
		n, err := s.client().TransactionCount(context.Background(), hash)
		if err != nil {
			t.Fatalf("counting transactions of block %s: %v", hash, err)
		}
		if n == uint(len(s.unmined)) {
			s.unmined = s.unmined[:0]
			return h
		}
		// The pool changed between the check and the mining (a stray
		// re-admitted late, or one dropped): orphan the block by forking
		// from its parent, a reorg the pipeline under test must follow
		// anyway, and mine the sent transactions again.
		if mined == 3 {
			t.Fatalf("block %d holds %d transactions, want %d", h.Number, n, len(s.unmined))
		}
		t.Logf("block %d holds %d transactions, want %d; mining it again", h.Number, n, len(s.unmined))
		s.forkSettled(t, h.ParentHash)
		s.resend(t)
	}
}

// resend empties the pool and sends the unmined transactions again from the
// relayer's nonce at the head.
func (s *simChain) resend(t testing.TB) {
	t.Helper()
	s.backend.Rollback()
	s.resetNonce(t)
	for _, c := range s.unmined {
		s.submit(t, c)
	}
}

// poolHoldsUnmined waits a little (half a second: a transaction the pool
// lost after a fork never arrives, so waiting longer only wastes time) for the pool to hold every sent
// transaction as executable and nothing else: its pending nonce is then the
// relayer's next, and the pending block holds exactly the sent transactions.
// After a fork the pool re-admits transactions of the orphaned blocks in the
// background, sometimes late; such strays must not ride along.
func (s *simChain) poolHoldsUnmined(t testing.TB) bool {
	t.Helper()
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		pending, err := s.client().PendingNonceAt(context.Background(), s.from)
		if err != nil {
			t.Fatalf("reading pending nonce: %v", err)
		}
		// The pool's own count: the pending block's transaction count
		// comes from a block the miner caches for two seconds per parent,
		// so it lags behind what was just sent.
		var status struct{ Pending, Queued hexutil.Uint }
		if err := s.rc.CallContext(context.Background(), &status, "txpool_status"); err != nil {
			t.Fatalf("reading the pool's status: %v", err)
		}
		count := uint(status.Pending) + uint(status.Queued)
		if pending == s.nonce && status.Queued == 0 && count == uint(len(s.unmined)) {
			return true
		}
		if time.Now().After(deadline) {
			t.Logf("pool holds %d transactions (%d queued) up to nonce %d, want %d up to %d; sending again", count, status.Queued, pending, len(s.unmined), s.nonce)
			return false
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// forkSettled makes block hash the head, and returns once the pool is
// empty for good. Making an older block the head orphans blocks, and the
// pool puts their transactions back, in the background, some time later;
// such strays rode along in the next block, which then had to be mined
// again at the same height (and the simulated node's log search can go on
// answering the orphaned block's logs for a while after that). Fork runs
// the pool's pending reset first (TxPool.Sync) and refuses while anything
// is pending, so forking again at the same block until it accepts puts the
// strays back and drops them; the last fork, to the block that is already
// the head, orphans nothing.
func (s *simChain) forkSettled(t testing.TB, hash common.Hash) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		s.backend.Rollback() // Fork refuses while the pool holds anything
		err := s.backend.Fork(hash)
		if err == nil && attempt > 0 {
			return
		}
		if err != nil && attempt == 20 {
			t.Fatalf("forking at %s: %v", hash, err)
		}
	}
}

// reset forgets whatever a previous scenario left unmined, empties the pool
// and waits until it stays empty, so a scenario starts from the head with
// nothing pending whatever happened before it.
func (s *simChain) reset(t testing.TB) {
	t.Helper()
	s.unmined = s.unmined[:0]
	s.forkSettled(t, s.head(t).Hash())
	for attempt := 0; ; attempt++ {
		s.resend(t)
		if s.poolHoldsUnmined(t) {
			return
		}
		if attempt == 10 {
			t.Fatal("the pool does not empty")
		}
	}
}

// client is an in-process client for the test's own calls, which need not
// pay for the socket the pipeline under test uses.
func (s *simChain) client() simulated.Client { return s.backend.Client() }

func (s *simChain) resetNonce(t testing.TB) {
	t.Helper()
	var err error
	if s.nonce, err = s.client().NonceAt(context.Background(), s.from, nil); err != nil {
		t.Fatalf("reading relayer nonce: %v", err)
	}
}

func (s *simChain) head(t testing.TB) *types.Header {
	t.Helper()
	h, err := s.client().HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatalf("reading head: %v", err)
	}
	return h
}

// fork makes block parent the head, so the next commit starts a competing
// branch. The transaction pool takes the rewind for a reorganisation and
// puts the orphaned transactions back; they are dropped, so a branch holds
// exactly what the scenario sends (and replays the same from the same seed).
func (s *simChain) fork(t testing.TB, parent uint64) {
	t.Helper()
	h, err := s.client().HeaderByNumber(context.Background(), new(big.Int).SetUint64(parent))
	if err != nil {
		t.Fatalf("reading fork parent %d: %v", parent, err)
	}
	s.forkSettled(t, h.Hash())
	s.resetNonce(t)
	if got := s.head(t); got.Hash() != h.Hash() {
		t.Fatalf("after forking at block %d the head is %d (%s)", parent, got.Number, got.Hash())
	}
}

// deploy deploys EntityManager and returns its address and block.
func (s *simChain) deploy(t testing.TB) (common.Address, uint64) {
	t.Helper()
	addr := crypto.CreateAddress(s.from, s.nonce)
	s.send(t, nil, common.FromHex(contracts.EntityManagerMetaData.Bin), 3_000_000)
	h := s.commit(t)
	code, err := s.client().CodeAt(context.Background(), addr, nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("EntityManager not deployed at %s (%v)", addr, err)
	}
	return addr, h.Number.Uint64()
}
