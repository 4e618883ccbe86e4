// Package gethtest starts a real `geth --dev` node for tests, so code that
// talks JSON-RPC is exercised against the node operators actually run, not
// only against the in-process simulated backend. The binary comes from
// script/bootstrap (cached build of the pinned version) via $DISCOVERY_GETH.
package gethtest

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"
)

// Node is a running geth --dev.
type Node struct {
	URL   string      // HTTP JSON-RPC endpoint
	WSURL string      // WebSocket JSON-RPC endpoint, with Options.WS
	RPC   *rpc.Client // connected to URL
}

// Options choose how StartWith runs geth.
type Options struct {
	Period time.Duration // block period; 0 mines on demand
	WS     bool          // also serve JSON-RPC over WebSocket, for subscriptions
}

// Binary finds the geth binary: $DISCOVERY_GETH, else the bootstrap cache,
// else PATH. When none exists the test fails in CI and is skipped elsewhere,
// saying how to get it.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := FindBinary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return bin
}

// Start runs geth --dev with the given block period (0 mines on demand) and
// stops it when the test ends.
func Start(t testing.TB, period time.Duration) *Node {
	t.Helper()
	return StartWith(t, Options{Period: period})
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Node {
	t.Helper()
	period := opts.Period
	bin := Binary(t)
	port := freePort(t)
	dir := t.TempDir()
	args := []string{
		"--dev", "--dev.period", strconv.Itoa(int(period / time.Second)),
		"--datadir", dir, "--ipcdisable", "--nodiscover", "--maxpeers", "0",
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(port),
		"--http.api", "eth,net,web3,debug,txpool",
		"--authrpc.port", strconv.Itoa(freePort(t)),
		"--verbosity", "2",
	}
	wsPort := 0
	if opts.WS {
		wsPort = freePort(t)
		args = append(args, "--ws", "--ws.addr", "127.0.0.1", "--ws.port", strconv.Itoa(wsPort), "--ws.api", "eth,net,web3")
	}
	logf, err := os.Create(filepath.Join(dir, "geth.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start geth: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("geth log:\n%s", tail(b, 4000))
			}
		}
	})
	n := &Node{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	if opts.WS {
		n.WSURL = fmt.Sprintf("ws://127.0.0.1:%d", wsPort)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		rc, err := rpc.DialContext(ctx, n.URL)
		if err == nil {
			var num hexutil.Uint64
			if err = rc.CallContext(ctx, &num, "eth_blockNumber"); err == nil {
				n.RPC = rc
				t.Cleanup(rc.Close)
				return n
			}
			rc.Close()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("geth did not answer on %s: %v", n.URL, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FundedKey returns a new key funded with 1000 ETH from the dev account.
func (n *Node) FundedKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	var accounts []common.Address
	if err := n.RPC.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("geth dev account: %v (%d accounts)", err, len(accounts))
	}
	value := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	tx := map[string]any{"from": accounts[0], "to": crypto.PubkeyToAddress(key.PublicKey), "value": (*hexutil.Big)(value)}
	var hash common.Hash
	if err := n.RPC.CallContext(ctx, &hash, "eth_sendTransaction", tx); err != nil {
		t.Fatalf("fund key: %v", err)
	}
	for {
		var receipt map[string]any
		if err := n.RPC.CallContext(ctx, &receipt, "eth_getTransactionReceipt", hash); err == nil && receipt != nil {
			return key
		}
		select {
		case <-ctx.Done():
			t.Fatalf("funding transaction %s not mined", hash)
		case <-time.After(100 * time.Millisecond):
		}
	}
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

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
