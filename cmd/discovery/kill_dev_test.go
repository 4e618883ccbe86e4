package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/follow"
	"github.com/discovery-node/discovery/internal/reorgtest"
	"github.com/discovery-node/discovery/internal/sqlite"
)

// killSeedEnv replays the kill moments of a failed run.
const killSeedEnv = "DISCOVERY_KILL_SEED"

// TestKillAndResume runs the real binary's `discovery dev`, SIGKILLs it at
// random moments (while it starts, indexes, or mines) and restarts it each
// time, then lets it catch up and stops it. The index must equal a fresh
// index of the same chain up to the same block. A kill between the dev
// chain mining a block and saving its head makes the restarted chain mine a
// different block at that height: a reorganisation the follower must undo.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short mode")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(killSeedEnv); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: %v", killSeedEnv, s, err)
		}
	}
	t.Logf("kill moments from seed %d (replay: %s=%d)", seed, killSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 0xdead))

	bin := buildBinary(t)
	// A short data directory keeps the dev chain's socket inside it, so a
	// killed process leaves nothing behind elsewhere.
	dir, err := os.MkdirTemp("", "kill")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	args := []string{"dev", "--data-dir", dir, "--listen", "127.0.0.1:0", "--block-time", "50ms"}

	// The first start deploys and seeds; a kill before it finishes would
	// make the next start deploy a different contract, so it runs to the
	// end.
	p := startBinary(t, bin, args)
	p.awaitListening(t)

	const kills = 24
	reorgs := 0
	for i := range kills {
		p.kill(t)
		reorgs += strings.Count(p.log.String(), "reverted orphaned blocks")
		p = startBinary(t, bin, args)
		// Half the kills land while the node starts up, half once it
		// serves and indexes.
		if rng.IntN(2) == 0 {
			p.awaitListening(t)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(1200 * time.Millisecond))))
		t.Logf("kill %d of %d", i+1, kills)
	}

	// The last run catches up, and stops gracefully.
	base := p.awaitListening(t)
	waitCaughtUp(t, base)
	p.interrupt(t)
	reorgs += strings.Count(p.log.String(), "reverted orphaned blocks")
	t.Logf("%d reorganisations followed across %d kills", reorgs, kills)

	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "discovery.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	head, ok, err := store.Head(ctx)
	if err != nil || !ok {
		t.Fatalf("index head: ok %v, err %v", ok, err)
	}
	got, err := reorgtest.Digest(ctx, store)
	if err != nil {
		t.Fatal(err)
	}

	// The same chain, served in-process, indexed afresh up to the same block.
	dev, err := devchain.Start(ctx, devchain.Config{DataDir: dir, BlockTime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	rc, err := dev.RPC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	fresh, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	freshHead, want, err := freshDevIndex(ctx, dev, rc, fresh, head.Number)
	if err != nil {
		t.Fatal(err)
	}
	if freshHead.Hash != head.Hash {
		t.Fatalf("the index holds block %d as %s, the chain as %s", head.Number, head.Hash, freshHead.Hash)
	}
	if got != want {
		t.Logf("last run's stderr:\n%s", tailString(p.log.String(), 8000))
		t.Errorf("after %d kills the index at block %d has digest %s; a fresh index of the chain has %s", kills, head.Number, got, want)
	}
}

// freshDevIndex indexes the dev chain afresh into store up to block to,
// configured as `discovery dev` configures its node (the demo's plays and
// verifier count), and returns the head and state digest it reached.
func freshDevIndex(ctx context.Context, dev *devchain.Chain, rc *rpc.Client, store discovery.Store, to uint64) (discovery.BlockRef, discovery.Digest, error) {
	addrs := []common.Address{dev.Contract()}
	if dev.Plays() != (common.Address{}) {
		addrs = append(addrs, dev.Plays())
	}
	ix, err := content.New(store, content.Options{Verifier: dev.Verifier(), EntityManagers: []common.Address{dev.Contract()}, Plays: dev.Plays()})
	if err != nil {
		return discovery.BlockRef{}, discovery.Digest{}, err
	}
	src := reorgtest.Plain(reorgtest.Capped(chain.New(rc, addrs, content.Topics, chain.Options{}), to))
	f := follow.New(src, ix, store.Head, follow.Config{FromBlock: dev.DeployBlock(), IndexedBlock: store.Block, Prune: store.Prune,
		Logger: slog.New(slog.DiscardHandler)})
	if err := reorgtest.CatchUp(ctx, f); err != nil {
		return discovery.BlockRef{}, discovery.Digest{}, fmt.Errorf("fresh index up to block %d: %w", to, err)
	}
	head, ok, err := store.Head(ctx)
	if err != nil || !ok || head.Number != to {
		return discovery.BlockRef{}, discovery.Digest{}, fmt.Errorf("fresh index stopped at %+v (ok %v, err %v), want block %d", head, ok, err, to)
	}
	d, err := reorgtest.Digest(ctx, store)
	return head, d, err
}

// buildBinary builds this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "discovery")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binProc is one run of the binary.
type binProc struct {
	cmd  *exec.Cmd
	addr chan string
	log  *lineWriter // stderr
	done chan error
}

var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

func startBinary(t *testing.T, bin string, args []string) *binProc {
	t.Helper()
	p := &binProc{cmd: exec.Command(bin, args...), addr: make(chan string, 1), log: newLineWriter(), done: make(chan error, 1)}
	p.cmd.Stderr = p.log
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				p.addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		p.done <- nil
	})
	return p
}

// awaitListening waits for the API address; the bound only stops a hung
// start from hanging the run.
func (p *binProc) awaitListening(t *testing.T) string {
	t.Helper()
	select {
	case addr := <-p.addr:
		p.addr <- addr
		return addr
	case err := <-p.done:
		p.done <- err
		t.Fatalf("discovery exited before serving: %v\n%s", err, tailString(p.log.String(), 4000))
	case <-time.After(3 * time.Minute):
		t.Fatalf("discovery did not start serving\n%s", tailString(p.log.String(), 4000))
	}
	return ""
}

// kill sends SIGKILL and reaps the process.
func (p *binProc) kill(t *testing.T) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		t.Fatalf("discovery exited by itself (%v) before it was killed\n%s", err, tailString(p.log.String(), 4000))
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	err := <-p.done
	p.done <- err
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("discovery exited with %v before it was killed\n%s", err, tailString(p.log.String(), 4000))
	}
}

// interrupt stops the process as Ctrl-C does and wants a clean exit.
func (p *binProc) interrupt(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("interrupt: %v", err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("discovery exited with %v after an interrupt\n%s", err, tailString(p.log.String(), 4000))
		}
	case <-time.After(time.Minute):
		t.Fatal("discovery did not stop after an interrupt")
	}
}

// waitCaughtUp waits until /health_check reports the index level with the
// chain, twice in a row a little apart, so the follower has seen the
// newest blocks.
func waitCaughtUp(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	level := 0
	for level < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the index did not catch up with the chain")
		}
		time.Sleep(200 * time.Millisecond)
		resp, err := http.Get(base + "/health_check")
		if err != nil {
			continue
		}
		var body struct {
			Data struct {
				BlockDifference uint64 `json:"block_difference"`
				DB              struct {
					Number uint64 `json:"number"`
				} `json:"db"`
			} `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err == nil && body.Data.DB.Number > 0 && body.Data.BlockDifference <= 1 {
			level++
		} else {
			level = 0
		}
	}
}

func tailString(s string, n int) string {
	if len(s) > n {
		return fmt.Sprintf("...%s", s[len(s)-n:])
	}
	return s
}
