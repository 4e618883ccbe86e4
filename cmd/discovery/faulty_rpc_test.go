package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/gethtest"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/rpcproxy"
	"github.com/ethereum/go-ethereum/ethclient"
)

// TestRunThroughFaultyRPC indexes a real geth --dev chain through a proxy
// that hangs, rate-limits, fails, truncates answers, drops the logs of a
// block whose bloom promises them and pretends to be behind. The index must
// end exactly equal to one built straight from the node, and the faults must
// show in the metrics rather than in the data.
func TestRunThroughFaultyRPC(t *testing.T) {
	node := gethtest.Start(t, time.Second)
	key := node.FundedKey(t)
	ctx := context.Background()
	client := ethclient.NewClient(node.RPC)
	chainID, err := client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := devchain.DeployAll(ctx, client, key, chainID)
	if err != nil {
		t.Fatal(err)
	}
	deployBlock := d.Block
	res, err := devchain.Seed(ctx, client, chainID, d, key)
	if err != nil {
		t.Fatal(err)
	}

	proxy := rpcproxy.Start(t, node.URL)
	const method = "eth_getBlockByNumber"
	proxy.Add(
		rpcproxy.Rule{Fault: rpcproxy.Hang, Method: method, Times: 1},
		rpcproxy.Rule{Fault: rpcproxy.RateLimit, Method: method, Times: 2, RetryAfter: "1"},
		rpcproxy.Rule{Fault: rpcproxy.ServerError, Method: method, Times: 2},
		rpcproxy.Rule{Fault: rpcproxy.Truncate, Method: method, Times: 2},
		rpcproxy.Rule{Fault: rpcproxy.DropLogs, Block: res.FirstBlock, Times: 1},
		rpcproxy.Rule{Fault: rpcproxy.Behind, Block: deployBlock, Times: 2},
	)

	common := append([]string{"run", "--from-block", strconv.FormatUint(deployBlock, 10),
		"--listen", "127.0.0.1:0", "--rpc-timeout", "2s", "--batch-size", "4"}, demoFlags(res)...)
	faulty := start(t, nil, append(common, "--rpc", proxy.URL, "--db", pgtest.DSN(t))...)
	direct := start(t, nil, append(common, "--rpc", node.URL, "--db", "sqlite:"+filepath.Join(t.TempDir(), "direct.db"))...)
	waitIndexed(t, faulty, res.LastBlock)
	waitIndexed(t, direct, res.LastBlock)
	checkDemo(t, faulty, res)

	// Compare digests at the same block: wait until both report one height.
	var a, b healthDigest
	eventually(t, "both nodes at one block", func() bool {
		faulty.get(t, "/health_check", &a)
		direct.get(t, "/health_check", &b)
		return a.Data.DB.Number == b.Data.DB.Number
	})
	if a.Data.StateDigest == "" || a.Data.StateDigest != b.Data.StateDigest || a.Data.DB.BlockHash != b.Data.DB.BlockHash {
		t.Fatalf("through faults: block %d %s digest %s; direct: block %d %s digest %s",
			a.Data.DB.Number, a.Data.DB.BlockHash, a.Data.StateDigest, b.Data.DB.Number, b.Data.DB.BlockHash, b.Data.StateDigest)
	}

	for _, f := range []rpcproxy.Fault{rpcproxy.Hang, rpcproxy.RateLimit, rpcproxy.ServerError, rpcproxy.Truncate, rpcproxy.DropLogs, rpcproxy.Behind} {
		if proxy.Injected(f) == 0 {
			t.Errorf("fault %s was never injected", f)
		}
	}
	metrics := scrape(t, faulty.base+"/metrics")
	for _, want := range []string{"discovery_chain_rpc_retries_total", `discovery_chain_bloom_refetches_total{result="recovered"}`} {
		if !hasPositive(metrics, want) {
			t.Errorf("metric %s is not positive after injected faults", want)
		}
	}
}

type healthDigest struct {
	Data struct {
		DB struct {
			Number    uint64 `json:"number"`
			BlockHash string `json:"blockhash"`
		} `json:"db"`
		StateDigest string `json:"state_digest"`
	} `json:"data"`
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hasPositive reports whether a metric series starting with prefix has a
// value above zero.
func hasPositive(metrics, prefix string) bool {
	for _, line := range strings.Split(metrics, "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		fields := strings.Fields(line)
		if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err == nil && v > 0 {
			return true
		}
	}
	return false
}
