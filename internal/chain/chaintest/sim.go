package chaintest

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// Sim is a real go-ethereum chain (the simulated backend) with one funded
// account. Its RPC client talks to the node over an IPC socket, the way a
// production follower talks to a node, rather than in-process.
type Sim struct {
	Backend *simulated.Backend
	RPC     *rpc.Client       // for the code under test
	Eth     *ethclient.Client // over RPC, for sending and for test assertions
	URL     string            // HTTP JSON-RPC, with SimOptions.HTTP
	WSURL   string            // WebSocket JSON-RPC, with SimOptions.HTTP

	key     *ecdsa.PrivateKey
	from    common.Address
	nonce   uint64
	sent    []*types.Transaction // sent since the last Mine, for resending
	chainID *big.Int
}

// SimOptions choose what a simulated node serves besides IPC.
type SimOptions struct {
	// HTTP also serves JSON-RPC over HTTP and WebSocket on one loopback
	// port (Sim.URL, Sim.WSURL), for code that needs a URL: proxies, and
	// clients that must tell http from ws.
	HTTP bool
}

// NewSim starts a simulated chain at genesis; it stops when the test ends.
func NewSim(t testing.TB) *Sim {
	t.Helper()
	return NewSimWith(t, SimOptions{})
}

// NewSimWith is NewSim with options.
func NewSimWith(t testing.TB, opts SimOptions) *Sim {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatalf("generating key: %v", err)
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	// A unix socket path must stay under ~100 bytes, which t.TempDir (named
	// after the test) does not promise.
	dir, err := os.MkdirTemp("", "sim")
	if err != nil {
		t.Fatalf("creating socket dir: %v", err)
	}
	ipc := filepath.Join(dir, "geth.ipc")
	alloc := types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(1000))}}
	var backend *simulated.Backend
	var port int
	// A free port may be taken before the node listens on it (the node
	// then fails to start, which NewBackend reports by panicking): try
	// another a few times.
	for try := 0; backend == nil; try++ {
		if opts.HTTP {
			port = freePort(t)
		}
		backend, err = newBackend(alloc, func(nc *node.Config, _ *ethconfig.Config) {
			nc.IPCPath = ipc
			if opts.HTTP {
				nc.HTTPHost, nc.HTTPPort = "127.0.0.1", port
				nc.HTTPModules = []string{"eth", "net", "web3"}
				nc.WSHost, nc.WSPort = "127.0.0.1", port
				nc.WSModules = []string{"eth", "net", "web3"}
				nc.WSOrigins = []string{"*"}
			}
		})
		if err != nil && try == 2 {
			_ = os.RemoveAll(dir)
			t.Fatalf("starting simulated chain: %v", err)
		}
	}
	rc, err := rpc.DialContext(context.Background(), ipc)
	if err != nil {
		_ = backend.Close()
		t.Fatalf("dialling simulated node: %v", err)
	}
	t.Cleanup(func() {
		rc.Close()
		if err := backend.Close(); err != nil {
			t.Errorf("closing simulated chain: %v", err)
		}
		_ = os.RemoveAll(dir)
	})
	s := &Sim{Backend: backend, RPC: rc, Eth: ethclient.NewClient(rc), key: key, from: from, chainID: big.NewInt(1337)}
	if opts.HTTP {
		s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
		s.WSURL = fmt.Sprintf("ws://127.0.0.1:%d", port)
	}
	return s
}

// newBackend turns NewBackend's panic on a failed start into an error.
func newBackend(alloc types.GenesisAlloc, opt func(*node.Config, *ethconfig.Config)) (b *simulated.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return simulated.NewBackend(alloc, opt), nil
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Send signs and submits a transaction to to (nil creates a contract) with
// data; it is mined at the next Commit.
func (s *Sim) Send(t testing.TB, to *common.Address, data []byte) common.Hash {
	t.Helper()
	tx := types.MustSignNewTx(s.key, types.LatestSignerForChainID(s.chainID), &types.DynamicFeeTx{
		ChainID:   s.chainID,
		Nonce:     s.nonce,
		GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: big.NewInt(100 * params.GWei),
		Gas:       200_000,
		To:        to,
		Data:      data,
	})
	if err := s.Eth.SendTransaction(context.Background(), tx); err != nil {
		t.Fatalf("sending transaction %d: %v", s.nonce, err)
	}
	s.sent = append(s.sent, tx)
	s.nonce++
	return tx.Hash()
}

// Commit mines the pending transactions into a new block.
func (s *Sim) Commit() common.Hash {
	return s.Backend.Commit()
}

// Mine commits a block and returns its receipts, failing the test unless
// every transaction in it succeeded. Receipts are read by block, since the
// node indexes transaction hashes in the background.
func (s *Sim) Mine(t testing.TB) (common.Hash, []*types.Receipt) {
	t.Helper()
	s.waitPending(t)
	hash := s.Commit()
	receipts, err := s.Eth.BlockReceipts(context.Background(), rpc.BlockNumberOrHashWithHash(hash, false))
	if err != nil {
		t.Fatalf("reading receipts of block %s: %v", hash, err)
	}
	for _, r := range receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("transaction %s failed", r.TxHash)
		}
	}
	return hash, receipts
}

// waitPending waits until the pool holds every transaction sent, which it
// admits in the background: a block committed earlier could miss some. A
// pool busy resetting to a new head can also drop a transaction, so the ones
// not yet pending are sent again now and then ("already known" is fine).
func (s *Sim) waitPending(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resend := time.Now().Add(200 * time.Millisecond)
	for {
		n, err := s.Eth.PendingNonceAt(ctx, s.from)
		if err == nil && n >= s.nonce {
			s.sent = s.sent[:0]
			return
		}
		if err == nil && time.Now().After(resend) {
			for _, tx := range s.sent {
				if tx.Nonce() >= n {
					_ = s.Eth.SendTransaction(ctx, tx)
				}
			}
			resend = time.Now().Add(200 * time.Millisecond)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("transactions up to nonce %d not pending (pool at %d, %v)", s.nonce, n, err)
		case <-time.After(time.Millisecond):
		}
	}
}

// DeployEmitter deploys a contract that logs its call data under topic on
// every call, mines it, and returns its address.
func (s *Sim) DeployEmitter(t testing.TB, topic common.Hash) common.Address {
	t.Helper()
	s.Send(t, nil, EmitterInitCode(topic))
	_, receipts := s.Mine(t)
	if len(receipts) != 1 {
		t.Fatalf("deploying emitter: block holds %d transactions", len(receipts))
	}
	return receipts[0].ContractAddress
}

// EmitterInitCode returns hand-assembled init code for a contract whose
// every call emits LOG1(topic) with the call data as the log's data.
func EmitterInitCode(topic common.Hash) []byte {
	// Runtime: copy the call data to memory, then log it under topic.
	runtime := []byte{0x36, 0x60, 0x00, 0x60, 0x00, 0x37} // CALLDATASIZE PUSH1 0 PUSH1 0 CALLDATACOPY: mem[0:size] = calldata
	runtime = append(runtime, 0x7f)                       // PUSH32 topic
	runtime = append(runtime, topic.Bytes()...)           //   its 32 bytes
	runtime = append(runtime, 0x36, 0x60, 0x00, 0xa1)     // CALLDATASIZE PUSH1 0 LOG1: log1(mem offset 0, size, topic)
	runtime = append(runtime, 0x00)                       // STOP

	// Init code: return the runtime, which follows these 12 bytes of code.
	n := byte(len(runtime))
	initCode := []byte{
		0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, // PUSH1 n PUSH1 12 PUSH1 0 CODECOPY: mem[0:n] = code[12:12+n]
		0x60, n, 0x60, 0x00, 0xf3, //             PUSH1 n PUSH1 0 RETURN: deploy mem[0:n]
	}
	return append(initCode, runtime...)
}
