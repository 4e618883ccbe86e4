package apibench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StoreRun names one store to measure and its data set. For PostgreSQL,
// DSN is a database to use as it is (empty, or holding this data set);
// without it, Config.AdminDSN's server keeps a database per data set. For
// SQLite, Path is likewise a file to use, else Config.CacheDir keeps one.
type StoreRun struct {
	Store   string // "postgres" or "sqlite"
	Dataset Dataset
	DSN     string
	Path    string
}

// Config is a whole benchmark run.
type Config struct {
	Discovery string // the discovery binary to serve with
	AdminDSN  string // PostgreSQL server of kept data sets (any database on it)
	CacheDir  string // directory of kept SQLite data sets
	WorkDir   string // server logs
	Stores    []StoreRun
	Fresh     bool // load kept data sets again
	BlockRows int  // rows per block when loading; 0: 50,000
	Plan      Plan
	ServeArgs []string // more flags for discovery serve
	Log       io.Writer
}

// StoreResult is one store's part of a run.
type StoreResult struct {
	Store     string           `json:"store"`
	Dataset   Dataset          `json:"dataset"`
	DB        string           `json:"db"`             // database or file name
	Load      *LoadStats       `json:"load,omitempty"` // nil: the data set was kept from an earlier run
	Generate  time.Duration    `json:"generate_ns"`
	Prepare   time.Duration    `json:"prepare_ns"` // making sure the data set is there, loading it if not
	Measure   time.Duration    `json:"measure_ns"`
	Serve     string           `json:"serve"` // the discovery serve command line
	Endpoints []EndpointResult `json:"endpoints"`
	Err       string           `json:"error,omitempty"`
}

// Result is a whole run.
type Result struct {
	Plan       Plan          `json:"plan"`
	BlockRows  int           `json:"block_rows"`
	Started    time.Time     `json:"started"`
	Took       time.Duration `json:"took_ns"`
	LoadBefore string        `json:"load_before"`
	LoadAfter  string        `json:"load_after"`
	Stores     []StoreResult `json:"stores"`
}

// Failed lists what went wrong: a store that could not be measured, and
// every error answer.
func (r *Result) Failed() []string {
	var out []string
	for _, s := range r.Stores {
		if s.Err != "" {
			out = append(out, s.Store+": "+s.Err)
		}
		for _, e := range s.Endpoints {
			if e.Errors > 0 {
				out = append(out, fmt.Sprintf("%s %s: %d errors, first: %s", s.Store, e.Name, e.Errors, e.FirstErr))
			}
		}
	}
	return out
}

// Run measures every store of cfg in turn. It returns the result with an
// error when any store failed or any answer was not a 200.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Plan.Clients <= 0 || cfg.Plan.Duration <= 0 {
		return nil, fmt.Errorf("plan %+v: want clients and a duration", cfg.Plan)
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.WorkDir == "" {
		cfg.WorkDir = os.TempDir()
	}
	if cfg.BlockRows <= 0 {
		cfg.BlockRows = defaultBlockRows
	}
	res := &Result{Plan: cfg.Plan, BlockRows: cfg.BlockRows, Started: time.Now(), LoadBefore: loadavg()}
	for _, sr := range cfg.Stores {
		s := runStore(ctx, cfg, sr)
		res.Stores = append(res.Stores, s)
		if ctx.Err() != nil {
			break
		}
	}
	res.LoadAfter, res.Took = loadavg(), time.Since(res.Started)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if f := res.Failed(); len(f) > 0 {
		return res, errors.New(strings.Join(f, "; "))
	}
	return res, nil
}

func runStore(ctx context.Context, cfg Config, sr StoreRun) StoreResult {
	logf := func(format string, args ...any) {
		fmt.Fprintf(cfg.Log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	out := StoreResult{Store: sr.Store, Dataset: sr.Dataset}
	fail := func(err error) StoreResult {
		out.Err = err.Error()
		logf("%s: FAILED: %v", sr.Store, err)
		return out
	}
	start := time.Now()
	g, err := generate(sr.Dataset)
	if err != nil {
		return fail(fmt.Errorf("generate the data set: %w", err))
	}
	out.Generate = time.Since(start)
	logf("%s: generated %s in %s", sr.Store, sr.Dataset.Sizes, out.Generate.Round(time.Millisecond))

	start = time.Now()
	k, err := cfg.kept(ctx, sr)
	if err != nil {
		return fail(err)
	}
	out.DB = k.name
	if out.Load, err = ensureLoaded(ctx, k, g, cfg.BlockRows, logf); err != nil {
		return fail(err)
	}
	out.Prepare = time.Since(start)

	args := serveArgs(k.where, cfg.ServeArgs)
	out.Serve = "discovery " + strings.Join(args, " ")
	srv, err := startServer(ctx, cfg.Discovery, args, filepath.Join(cfg.WorkDir, "apibench-serve-"+sr.Store+".log"))
	if err != nil {
		return fail(err)
	}
	start = time.Now()
	out.Endpoints, err = measure(ctx, srv.base, g.endpoints(cfg.Plan.listLimit()), cfg.Plan, logf)
	out.Measure = time.Since(start)
	if stopErr := srv.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return fail(err)
	}
	return out
}

// kept returns where sr's data set is.
func (cfg Config) kept(ctx context.Context, sr StoreRun) (keptDB, error) {
	switch {
	case sr.Store == "postgres" && sr.DSN != "":
		return keptDB{store: "postgres", where: sr.DSN, name: "the given database"}, nil
	case sr.Store == "postgres":
		if cfg.AdminDSN == "" {
			return keptDB{}, errors.New("no PostgreSQL server to keep the data set on")
		}
		return keptPostgres(ctx, cfg.AdminDSN, sr.Dataset, cfg.Fresh)
	case sr.Store == "sqlite" && sr.Path != "":
		return keptDB{store: "sqlite", where: "sqlite:" + sr.Path, name: sr.Path}, nil
	case sr.Store == "sqlite":
		dir := cfg.CacheDir
		if dir == "" {
			c, err := os.UserCacheDir()
			if err != nil {
				return keptDB{}, fmt.Errorf("find a directory for the SQLite data set: %w", err)
			}
			dir = filepath.Join(c, "discovery", "apibench")
		}
		return keptSQLite(dir, sr.Dataset, cfg.Fresh)
	}
	return keptDB{}, fmt.Errorf("store %q: want postgres or sqlite", sr.Store)
}

// loadavg is the machine's load average, for the report: the runs share
// the machine with whatever else runs.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
