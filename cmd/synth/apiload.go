package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/apibench"
)

// runAPILoad measures the v1 API under concurrent load on a generated data
// set (internal/apibench) and writes the report section.
func runAPILoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth apiload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg apibench.Config
	pg := fs.String("pg", defaultPG, "PostgreSQL server the data set's database is kept on")
	fs.StringVar(&cfg.Discovery, "discovery", "", "the discovery binary to serve with (default: built from the source tree in the current directory)")
	stores := fs.String("stores", "postgres,sqlite", "stores to measure, comma-separated")
	quick := fs.Bool("quick", false, "a tiny data set and 1 s per endpoint: a smoke run of the harness")
	fs.BoolVar(&cfg.Fresh, "fresh", false, "load the data sets again even when they are kept from an earlier run")
	seed := fs.Uint64("seed", 1, "seed of the generated data sets")
	fs.IntVar(&cfg.Plan.Clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&cfg.Plan.Duration, "duration", 8*time.Second, "how long each endpoint is measured")
	fs.DurationVar(&cfg.Plan.Warmup, "warmup", 2*time.Second, "how long each endpoint is driven before it is measured")
	fs.DurationVar(&cfg.Plan.Serial, "serial", 2*time.Second, "how long each endpoint is then asked by one client alone (0: not)")
	fs.IntVar(&cfg.BlockRows, "block-rows", 0, "rows per block when loading (default 50,000)")
	fs.StringVar(&cfg.CacheDir, "sqlite-dir", "", "directory the SQLite data set is kept in (default: the user cache directory)")
	fs.StringVar(&cfg.WorkDir, "workdir", "", "directory for the server's log, the binary and results.json (default: a new temporary one)")
	serveArgs := fs.String("serve-args", "", "more flags for `discovery serve`, space-separated")
	out := fs.String("out", "", "write the report section to this file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.AdminDSN, cfg.Log, cfg.ServeArgs = *pg, stdout, strings.Fields(*serveArgs)
	pgSizes, sqliteSizes := apibench.Full, apibench.Small
	if *quick {
		pgSizes, sqliteSizes = apibench.Quick, apibench.Quick
		if !flagSet(fs, "duration") {
			cfg.Plan.Duration = time.Second
		}
		if !flagSet(fs, "warmup") {
			cfg.Plan.Warmup = 300 * time.Millisecond
		}
		if !flagSet(fs, "serial") {
			cfg.Plan.Serial = 300 * time.Millisecond
		}
		cfg.Plan.ListLimit = 20
	}
	for _, s := range strings.Split(*stores, ",") {
		switch s = strings.TrimSpace(s); s {
		case "postgres":
			cfg.Stores = append(cfg.Stores, apibench.StoreRun{Store: s, Dataset: apibench.Dataset{Seed: *seed, Sizes: pgSizes}})
		case "sqlite":
			cfg.Stores = append(cfg.Stores, apibench.StoreRun{Store: s, Dataset: apibench.Dataset{Seed: *seed, Sizes: sqliteSizes}})
		default:
			return fmt.Errorf("-stores: %q is not postgres or sqlite", s)
		}
	}
	if cfg.WorkDir == "" {
		d, err := os.MkdirTemp("", "synth-apiload-")
		if err != nil {
			return fmt.Errorf("making a work directory: %w", err)
		}
		cfg.WorkDir = d
	}
	if cfg.Discovery == "" {
		cfg.Discovery = filepath.Join(cfg.WorkDir, "discovery")
		fmt.Fprintf(stdout, "apiload: building ./cmd/discovery into %s\n", cfg.Discovery)
		build := exec.CommandContext(ctx, "go", "build", "-o", cfg.Discovery, "./cmd/discovery")
		if b, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building ./cmd/discovery (run from the source tree, or give -discovery): %w\n%s", err, b)
		}
	}
	res, runErr := apibench.Run(ctx, cfg)
	if res == nil {
		return runErr
	}
	command := "go run ./cmd/synth apiload " + strings.Join(args, " ")
	report := res.Markdown(strings.TrimSpace(command))
	if b, err := json.MarshalIndent(res, "", "  "); err == nil {
		_ = os.WriteFile(filepath.Join(cfg.WorkDir, "results.json"), b, 0o644)
	}
	if *out == "" {
		fmt.Fprint(stdout, "\n"+report)
	} else if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	fmt.Fprintf(stdout, "apiload: done in %s; work directory %s\n", res.Took.Round(time.Second), cfg.WorkDir)
	return runErr
}

// flagSet reports whether the command line set the named flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
