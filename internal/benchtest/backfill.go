package benchtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery/internal/synth"
)

// RunOptions say how to run the discovery binary.
type RunOptions struct {
	// Discovery is the path of the discovery binary.
	Discovery string
	// Store is "sqlite" or "postgres".
	Store string
	// PGAdmin is a DSN of the PostgreSQL server on which a database is
	// created for the run and dropped after it.
	PGAdmin string
	// WorkDir holds SQLite files and discovery's logs.
	WorkDir string
	// Cap bounds the run: a backfill not done by then is reported as far
	// as it got.
	Cap time.Duration
	// Args are added to discovery's command line.
	Args []string
}

// BackfillResult is one whole-process backfill.
type BackfillResult struct {
	Store     string `json:"store"`
	Events    int    `json:"events"` // ManageEntity events in the chain
	Logs      int    `json:"logs"`   // all indexed logs in the chain
	HeadBlock uint64 `json:"head_block"`
	// Indexed is the newest block indexed when the run ended, and
	// EventsIndexed the ManageEntity events up to it; Complete says
	// whether it reached the head before the cap.
	Indexed       uint64 `json:"indexed"`
	EventsIndexed int    `json:"events_indexed"`
	Complete      bool   `json:"complete"`
	// Startup is from exec to the API listening (migrations included);
	// Wall from exec to the head indexed (or the cap).
	Startup      time.Duration `json:"startup_ns"`
	Wall         time.Duration `json:"wall_ns"`
	EventsPerSec float64       `json:"events_per_sec"`
	BlocksPerSec float64       `json:"blocks_per_sec"`
	RPCRequests  int64         `json:"rpc_requests"`
	RPCCalls     int64         `json:"rpc_calls"`
	RPCBytes     int64         `json:"rpc_bytes"` // request + response bodies
	Applied      float64       `json:"applied"`   // from discovery's metrics
	Rejected     float64       `json:"rejected"`
	WantRejected int           `json:"want_rejected"` // what the generator made to be refused
	Usage
	Command string `json:"command"`
	LogPath string `json:"log_path"`
	// Args are the flags given beyond the defaults (RunOptions.Args).
	Args []string `json:"args,omitempty"`
	// Progress samples the events indexed every few seconds, to show
	// whether the cost per event grows with the index.
	Progress []Progress `json:"progress"`
}

// Progress is how far a backfill had got at a moment.
type Progress struct {
	Elapsed time.Duration `json:"elapsed_ns"`
	Events  int           `json:"events"`
}

// PerThousand returns v per 1,000 events indexed.
func (r *BackfillResult) PerThousand(v int64) float64 {
	if r.EventsIndexed == 0 {
		return 0
	}
	return float64(v) * 1000 / float64(r.EventsIndexed)
}

// progressEvery is how often a backfill's progress is sampled.
const progressEvery = time.Second

// Backfill runs the discovery binary against t from block 0 until it has
// indexed t's head, or o.Cap passes, and measures it.
func Backfill(ctx context.Context, t *Target, o RunOptions) (*BackfillResult, error) {
	st := t.Chain.Stats()
	head := t.Chain.Head()
	r := &BackfillResult{Store: o.Store, Events: st.Events, Logs: st.Events + st.Plays + st.Verifications,
		HeadBlock: head, WantRejected: st.Rejected, Args: o.Args}
	name := fmt.Sprintf("backfill-%s-%d", o.Store, st.Events)
	if len(o.Args) > 0 {
		name += "-" + strings.NewReplacer("-", "", " ", "").Replace(strings.Join(o.Args, ""))
	}
	run, err := startRun(ctx, t, t.HTTP, o, name)
	if err != nil {
		return nil, err
	}
	defer run.close()
	r.Command, r.LogPath, r.Startup = run.command, run.proc.logPath, run.startup

	if err := run.measure(ctx, head, t.Chain.EventsThrough, o.Cap, r); err != nil {
		return nil, err
	}
	r.BlocksPerSec = float64(r.Indexed) / r.Wall.Seconds()
	ss := t.Server.Stats()
	r.RPCRequests = ss.HTTPRequests - run.rpcBefore.HTTPRequests
	r.RPCCalls = ss.TotalCalls() - run.rpcBefore.TotalCalls()
	r.RPCBytes = ss.RequestBytes + ss.ResponseBytes - run.rpcBefore.RequestBytes - run.rpcBefore.ResponseBytes
	return r, nil
}

// measure polls run until it has indexed head and built what it deferred,
// or until capAfter from its start, and fills r: progress, wall time, events,
// resource use and the action counts. eventsThrough counts the chain's
// events up to a block.
func (run *run) measure(ctx context.Context, head uint64, eventsThrough func(uint64) int, capAfter time.Duration, r *BackfillResult) error {
	deadline := run.proc.started.Add(capAfter)
	nextSample := run.proc.started
	for {
		if n, err := run.api.indexedHead(ctx); err == nil {
			r.Indexed = n
		}
		if now := time.Now(); !now.Before(nextSample) {
			r.Progress = append(r.Progress, Progress{now.Sub(run.proc.started), eventsThrough(r.Indexed)})
			nextSample = nextSample.Add(progressEvery)
		}
		// Done when the head is indexed and what the node defers while
		// it backfills (search documents) is built: that is part of the
		// cost of a backfill.
		if r.Indexed >= head {
			ready, ok, err := run.api.gauge(ctx, "discovery_derived_ready")
			if err == nil && (!ok || ready == 1) {
				r.Complete = true
				break
			}
		}
		if err := run.proc.dead(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	r.Wall = time.Since(run.proc.started)
	r.EventsIndexed = eventsThrough(r.Indexed)
	r.Progress = append(r.Progress, Progress{r.Wall, r.EventsIndexed})
	r.EventsPerSec = float64(r.EventsIndexed) / r.Wall.Seconds()
	var err error
	if r.Usage, err = run.usage(); err != nil {
		return err
	}
	// The indexer counts a run's actions just after committing it, so the
	// head can be visible a moment before the counts: on a complete run,
	// wait (briefly) until every log of the chain is counted.
	for settle := time.Now().Add(5 * time.Second); ; {
		acts, err := run.api.actions(ctx)
		if err != nil {
			return err
		}
		r.Applied, r.Rejected = acts["applied"], acts["rejected"]
		if !r.Complete || r.Applied+r.Rejected >= float64(r.Logs) || time.Now().After(settle) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// run is a discovery process with its database, started for one
// measurement.
type run struct {
	proc      *process
	api       *apiClient
	command   string
	startup   time.Duration
	base      usageMark
	dbName    string // PostgreSQL database, "" for SQLite
	pgAdmin   string
	rpcBefore synth.ServerStats
}

// startRun makes a database and starts discovery on it, following the
// synth server at rpcURL from block 0.
func startRun(ctx context.Context, t *Target, rpcURL string, o RunOptions, name string) (*run, error) {
	cfg := t.Chain.Config()
	before := t.Server.Stats() // nothing asks the server until discovery starts
	r, err := startDiscoveryRun(ctx, rpcURL, cfg.EntityManager, cfg.Plays, 0, o, name)
	if err != nil {
		return nil, err
	}
	r.rpcBefore = before
	return r, nil
}

// startDiscoveryRun makes a database for o.Store and starts `discovery
// run` on it, following rpcURL from block from with every validation on.
func startDiscoveryRun(ctx context.Context, rpcURL string, entityManager, plays common.Address, from uint64, o RunOptions, name string) (*run, error) {
	r := &run{pgAdmin: o.PGAdmin}
	var dsn string
	switch o.Store {
	case "sqlite":
		dsn = "sqlite:" + filepath.Join(o.WorkDir, name+".db")
	case "postgres":
		var err error
		if r.dbName, dsn, err = createDatabase(ctx, o.PGAdmin, name); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("store %q: want sqlite or postgres", o.Store)
	}
	args := append([]string{"run",
		"--rpc", rpcURL,
		"--contract", entityManager.Hex(),
		"--plays-contract", plays.Hex(),
		"--from-block", strconv.FormatUint(from, 10),
		"--db", dsn,
		"--id-offsets", "none",
		"--skip-sync-wait",
		"--listen", "127.0.0.1:0",
		"--log-level", "warn",
	}, o.Args...)
	r.command = o.Discovery + " " + strings.Join(args, " ")
	r.base = r.mark()
	p, err := startDiscovery(ctx, o.Discovery, args, filepath.Join(o.WorkDir, name+".log"))
	if err != nil {
		r.dropDatabase()
		return nil, err
	}
	r.proc, r.api, r.startup = p, newAPIClient(p.api), time.Since(p.started)
	return r, nil
}

func (r *run) close() {
	r.proc.stop()
	r.dropDatabase()
}

func (r *run) dropDatabase() {
	if r.dbName == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, r.pgAdmin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{r.dbName}.Sanitize()+" WITH (FORCE)")
}

// createDatabase makes a new database on the server admin names and
// returns its name and a DSN for it.
func createDatabase(ctx context.Context, admin, prefix string) (name, dsn string, err error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("naming a database: %w", err)
	}
	name = "bench_" + strings.NewReplacer("-", "_").Replace(prefix) + "_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", "", fmt.Errorf("connecting to PostgreSQL to create a database: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", "", fmt.Errorf("creating database %s: %w", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", "", fmt.Errorf("parsing the PostgreSQL DSN: %w", err)
	}
	u.Path = "/" + name
	return name, u.String(), nil
}
