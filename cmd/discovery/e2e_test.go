package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/gethtest"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestDev runs `discovery dev` as a newcomer would, checks the demo content
// through the API, then restarts it on the same data directory and checks it
// resumes instead of starting over.
func TestDev(t *testing.T) {
	dir := t.TempDir()
	args := []string{"dev", "--data-dir", dir, "--listen", "127.0.0.1:0", "--block-time", "100ms"}
	p := start(t, nil, args...)
	res, ok, err := devchain.LoadSeed(dir)
	if err != nil || !ok {
		t.Fatalf("load seed result: ok=%v err=%v", ok, err)
	}
	waitIndexed(t, p, res.LastBlock)
	checkDemo(t, p, res)
	var before health
	p.get(t, "/health_check", &before)
	if err := p.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "discovery.db"))
	if err != nil {
		t.Fatal(err)
	}
	checkRejected(t, s, res)
	checkStore(t, s, res)
	s.Close()

	// Restart: same chain, same index, no second seeding.
	p = start(t, nil, args...)
	again, _, err := devchain.LoadSeed(dir)
	if err != nil || again.Contract != res.Contract || again.LastBlock != res.LastBlock {
		t.Fatalf("restart seeded again: %+v vs %+v (%v)", again, res, err)
	}
	var after health
	if code := p.get(t, "/health_check", &after); code != 200 || after.Data.DB.Number < before.Data.DB.Number {
		t.Fatalf("after restart health %d, db head %d (was %d)", code, after.Data.DB.Number, before.Data.DB.Number)
	}
	waitIndexed(t, p, before.Data.DB.Number+3) // the chain goes on producing blocks
	checkDemo(t, p, res)
}

// TestSeedAndRunAgainstGeth deploys and seeds a real geth --dev node with
// `discovery seed`, then indexes it into PostgreSQL with `discovery run`.
func TestSeedAndRunAgainstGeth(t *testing.T) {
	node := gethtest.Start(t, time.Second)
	key := node.FundedKey(t)
	dsn := pgtest.DSN(t)

	out := newLineWriter()
	errOut := newLineWriter()
	keyHex := hex.EncodeToString(crypto.FromECDSA(key))
	if err := run(context.Background(), []string{"seed", "--rpc", node.URL, "--key", keyHex, "--json"}, func(string) string { return "" }, out, errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	if strings.Contains(errOut.String(), keyHex) || strings.Contains(out.String(), keyHex) {
		t.Fatal("seed printed the private key")
	}
	var res devchain.SeedResult
	var deployBlock string
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "deploy-block "); ok {
			deployBlock = v
		}
		if strings.HasPrefix(line, "{") {
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				t.Fatal(err)
			}
		}
	}
	if deployBlock == "" || res.Contract == ([20]byte{}) {
		t.Fatalf("seed output lacks contract or deploy block:\n%s", out.String())
	}

	if res.Plays == ([20]byte{}) || res.Verifier == ([20]byte{}) {
		t.Fatalf("seed result lacks the Plays contract or the verifier:\n%s", out.String())
	}
	p := start(t, nil, append([]string{"run", "--rpc", node.URL, "--from-block", deployBlock,
		"--db", dsn, "--listen", "127.0.0.1:0"}, demoFlags(res)...)...)
	waitIndexed(t, p, res.LastBlock)
	checkDemo(t, p, res)

	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkRejected(t, s, res)
	checkStore(t, s, res)
}

func TestMain(m *testing.M) { pgtest.Main(m) }
