package reorgtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/follow"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Environment knobs: DISCOVERY_REORG_SEED replays one scenario (the failing
// seed a run prints); DISCOVERY_REORG_SCENARIOS and
// DISCOVERY_REORG_PG_SCENARIOS set how many run.
const (
	seedEnv        = "DISCOVERY_REORG_SEED"
	scenariosEnv   = "DISCOVERY_REORG_SCENARIOS"
	pgScenariosEnv = "DISCOVERY_REORG_PG_SCENARIOS"
)

// TestRandomReorgs runs seeded random scenarios on the simulated chain:
// random actions, forks of depth 1..64 at random moments onto branches of
// random length, and the real pipeline into SQLite stepping at random
// moments. After each, the index must equal a fresh index of the final
// canonical chain.
func TestRandomReorgs(t *testing.T) {
	runScenarios(t, envInt(t, scenariosEnv, defaultScenarios(300, 150)), false)
}

// TestRandomReorgsPostgres runs fewer scenarios with a Postgres and a
// SQLite index side by side, each following at its own random moments: both
// must reach the digest of a fresh index.
func TestRandomReorgsPostgres(t *testing.T) {
	runScenarios(t, envInt(t, pgScenariosEnv, defaultScenarios(24, 10)), true)
}

// defaultScenarios is how many scenarios run when the environment does not
// say: fewer under the race detector.
func defaultScenarios(plain, race int) int {
	if raceEnabled {
		return race
	}
	return plain
}

func runScenarios(t *testing.T, n int, withPostgres bool) {
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
		if withPostgres {
			seeds[i] += 1_000_000
		}
	}
	if s := os.Getenv(seedEnv); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", seedEnv, s, err)
		}
		seeds = []uint64{seed}
	}
	// Scenarios wait on the node much of the time, so a few run at once,
	// each on a chain of its own: a scenario's blocks and forks, relative to
	// its deploy block, depend on its seed alone.
	workers := min(runtime.GOMAXPROCS(0)+1, len(seeds))
	sims := make(chan *simChain, workers)
	for range workers {
		sims <- newSimChain(t)
	}
	template := migratedSQLite(t)
	var (
		mu    sync.Mutex
		stats scenarioStats
	)
	parent := t
	t.Run("scenarios", func(t *testing.T) {
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				sim := <-sims
				defer func() {
					// A failed scenario may leave its chain in any state
					// (a fork half made, a block that did not become the
					// head): the next scenario gets a new chain, so one
					// failure is reported once rather than by every
					// scenario after it.
					if t.Failed() {
						if fresh, err := openSimChain(context.Background()); err == nil {
							_ = sim.close()
							parent.Cleanup(func() { _ = fresh.close() })
							sim = fresh
						}
					}
					sims <- sim
				}()
				// Whatever the previous scenario on this chain left
				// pending, this one starts from an empty pool.
				sim.reset(t)
				stores := []discovery.Store{openSQLite(t, template)}
				if withPostgres {
					pg, err := postgres.Open(t.Context(), pgtest.DSN(t))
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { pg.Close() })
					stores = append(stores, pg)
				}
				st, err := runScenario(t.Context(), t, sim, seed, stores, template)
				if err != nil {
					t.Fatalf("%v\nreplay: %s=%d go test -race -run '^%s$' ./internal/reorgtest/", err, seedEnv, seed, strings.Split(t.Name(), "/")[0])
				}
				mu.Lock()
				stats.add(st)
				mu.Unlock()
			})
		}
	})
	t.Logf("%d scenarios: %+v", len(seeds), stats)
	if len(seeds) >= 20 && (stats.Forks == 0 || stats.Reverted == 0 || stats.Pruned == 0 || stats.Rejected == 0 || stats.Users == 0) {
		t.Errorf("scenarios did not exercise everything: %+v", stats)
	}
}

// scenarioStats shows what the scenarios exercised, so a generator that
// stopped forking or pruning cannot pass unnoticed.
type scenarioStats struct {
	Forks, Blocks, Steps, Reverted, Pruned, Users, Rejected int
	// Inconsistent counts steps retried because the node's answers did not
	// agree with each other (logs of a block it had just orphaned).
	Inconsistent int
}

func (s *scenarioStats) add(o scenarioStats) {
	s.Forks += o.Forks
	s.Blocks += o.Blocks
	s.Steps += o.Steps
	s.Reverted += o.Reverted
	s.Pruned += o.Pruned
	s.Users += o.Users
	s.Rejected += o.Rejected
	s.Inconsistent += o.Inconsistent
}

// indexUnderTest is one store followed at its own random moments.
type indexUnderTest struct {
	store    discovery.Store
	f        *follow.Follower
	lag      uint64 // how far the chain may grow past lastSeen before it must step
	margin   uint64 // how far below the highest head it saw a fork may go
	lastSeen uint64 // the chain head at its last step
	maxSeen  uint64 // the highest chain head it ever saw
	reverts  int
	retries  int // steps retried after an inconsistent answer
}

// step steps the follower once.
func (ix *indexUnderTest) step(ctx context.Context) error {
	before, _, err := ix.store.Head(ctx)
	if err != nil {
		return err
	}
	retries, err := Step(ctx, ix.f)
	ix.retries += retries
	if err != nil && !errors.Is(err, follow.ErrNothingNew) {
		return fmt.Errorf("step from block %d: %w", before.Number, err)
	}
	after, _, err := ix.store.Head(ctx)
	if err != nil {
		return err
	}
	if after.Number < before.Number {
		ix.reverts += int(before.Number - after.Number)
	}
	ix.lastSeen = ix.f.ChainHead()
	ix.maxSeen = max(ix.maxSeen, ix.lastSeen)
	return nil
}

func (ix *indexUnderTest) catchUp(ctx context.Context) error {
	for range 10_000 {
		before, _, err := ix.store.Head(ctx)
		if err != nil {
			return err
		}
		if err := ix.step(ctx); err != nil {
			return err
		}
		after, _, err := ix.store.Head(ctx)
		if err != nil {
			return err
		}
		if after == before {
			return nil
		}
	}
	return errors.New("not caught up after 10000 steps")
}

// Each index gets a random finality window. A fork the follower must follow
// has to stay inside it, so the scenario keeps forks within margin of the
// highest head the follower saw, and makes it step once the chain has grown
// lag blocks past the head it saw last: at its next step the fork is then
// above head-FinalityDepth. Forks deeper than the window are the unit
// tests' business.
var finalityDepths = []uint64{6, 12, 24, 64, 128}

func lagAndMargin(depth uint64) (lag, margin uint64) {
	lag = max(2, depth/3)
	return lag, depth - lag - 2
}

func runScenario(ctx context.Context, t *testing.T, sim *simChain, seed uint64, stores []discovery.Store, template string) (scenarioStats, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	contract, deployBlock := sim.deploy(t)
	gen := NewActions(rng)
	var st scenarioStats

	var ixs []*indexUnderTest
	for _, s := range stores {
		depth := finalityDepths[rng.IntN(len(finalityDepths))]
		lag, margin := lagAndMargin(depth)
		src := chain.New(sim.rc, []common.Address{contract}, []common.Hash{content.ManageEntityTopic}, chain.Options{})
		// The simulated chain finalizes every 32 blocks yet forks below that
		// on request; the window stands in for finality here.
		f, err := NewFollower(Plain(src), s, deployBlock, follow.Config{BatchSize: 1 + uint64(rng.IntN(16)), FinalityDepth: depth})
		if err != nil {
			return st, err
		}
		ixs = append(ixs, &indexUnderTest{store: s, f: f, lag: lag, margin: margin, lastSeen: deployBlock, maxSeen: deployBlock})
	}
	head := deployBlock
	// mine makes a block of that many actions; the indexes that have seen
	// the chain grow by their lag catch up with it, unless following is off.
	mineFollowing := func(actions int, following bool) error {
		for range actions {
			data, err := gen.Signed(sim.chainID, contract)
			if err != nil {
				return err
			}
			sim.send(t, &contract, data, 1_000_000)
		}
		head = sim.commit(t).Number.Uint64()
		st.Blocks++
		for _, ix := range ixs {
			if !following {
				break
			}
			if head >= ix.lastSeen+ix.lag {
				if err := ix.catchUp(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	}
	mine := func(actions int) error { return mineFollowing(actions, true) }

	// Most scenarios are short; one in eight runs long enough for forks up
	// to 64 blocks deep and for pruning under the larger windows.
	ops := 6 + rng.IntN(20)
	if rng.IntN(8) == 0 {
		ops = 60 + rng.IntN(60)
	}
	for range ops {
		switch r := rng.IntN(100); {
		case r < 50:
			if err := mine(rng.IntN(5)); err != nil {
				return st, err
			}
		case r < 60:
			for range 1 + rng.IntN(8) {
				if err := mine(0); err != nil {
					return st, err
				}
			}
		case r < 82:
			ix := ixs[rng.IntN(len(ixs))]
			for range 1 + rng.IntN(3) {
				st.Steps++
				if err := ix.step(ctx); err != nil {
					return st, err
				}
			}
		case r < 92:
			lowest := deployBlock
			if head > 64 {
				lowest = max(lowest, head-64)
			}
			for _, ix := range ixs {
				if ix.maxSeen > ix.margin {
					lowest = max(lowest, ix.maxSeen-ix.margin)
				}
			}
			if lowest >= head {
				continue
			}
			parent := lowest + rng.Uint64N(head-lowest)
			sim.fork(t, parent)
			head = parent
			st.Forks++
			// The new branch: shorter, as long, or longer than the old.
			for range 1 + rng.IntN(12) {
				if err := mine(rng.IntN(4)); err != nil {
					return st, err
				}
			}
		default:
			ix := ixs[rng.IntN(len(ixs))]
			n, err := ix.f.Prune(ctx)
			if err != nil {
				return st, err
			}
			st.Pruned += n
		}
	}
	// The chain grows past every index's head, as a live chain does: a
	// follower learns that its head was orphaned by a same-height sibling
	// only when the next block arrives. The indexes do not follow these
	// blocks: with several of them catching up in turns, some index would
	// always be level with the head. (An index can be above the head: the
	// last fork may have left a shorter branch.)
	for behind := false; !behind; {
		if err := mineFollowing(1+rng.IntN(3), false); err != nil {
			return st, err
		}
		behind = true
		for _, ix := range ixs {
			h, _, err := ix.store.Head(ctx)
			if err != nil {
				return st, err
			}
			behind = behind && h.Number < head
		}
	}

	freshStore := openSQLite(t, template)
	freshSrc := chain.New(sim.rc, []common.Address{contract}, []common.Hash{content.ManageEntityTopic}, chain.Options{})
	freshHead, want, err := FreshIndex(ctx, freshSrc, freshStore, deployBlock, head)
	if err != nil {
		return st, err
	}
	for i, ix := range ixs {
		if err := ix.catchUp(ctx); err != nil {
			return st, fmt.Errorf("index %d: final catch-up: %w", i, err)
		}
		// Prune once more at the end, so every scenario checks that pruning
		// keeps what is not final.
		n, err := ix.f.Prune(ctx)
		if err != nil {
			return st, err
		}
		st.Pruned += n
		st.Reverted += ix.reverts
		st.Inconsistent += ix.retries
		got, ok, err := ix.store.Head(ctx)
		if err != nil {
			return st, err
		}
		if !ok || got != freshHead {
			return st, fmt.Errorf("index %d: head %+v, want the chain's %+v", i, got, freshHead)
		}
		d, err := Digest(ctx, ix.store)
		if err != nil {
			return st, fmt.Errorf("index %d: %w", i, err)
		}
		if d != want {
			return st, fmt.Errorf("index %d (%T): state digest %s, a fresh index of the final chain has %s", i, ix.store, d, want)
		}
	}
	users, err := freshStore.SearchUsers(ctx, "", discovery.Page{Limit: 100})
	if err != nil {
		return st, err
	}
	st.Users = len(users)
	rejected, err := freshStore.RejectedActions(ctx, discovery.Page{Limit: 100})
	if err != nil {
		return st, err
	}
	st.Rejected = len(rejected)
	return st, nil
}

// migratedSQLite creates an empty, migrated SQLite store and returns its
// file, so each scenario's stores start as copies instead of migrating
// afresh.
func migratedSQLite(t *testing.T) string {
	t.Helper()
	path := filepath.Join(fastTempDir(t), "template.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openSQLite opens a new SQLite store, a copy of the migrated template.
func openSQLite(t *testing.T, template string) discovery.Store {
	t.Helper()
	b, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fastTempDir(t), "index.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}

// fastTempDir returns a temporary directory in memory (/dev/shm) where the
// machine has one, else t.TempDir(): the stores are real SQLite files
// either way, but hundreds of scenarios should not wait on fsync.
func fastTempDir(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "reorgtest"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}
