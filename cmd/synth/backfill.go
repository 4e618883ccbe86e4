package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
	"github.com/discovery-node/discovery/internal/synth"
)

// defaultPG is the PostgreSQL server databases are made on for runs.
const defaultPG = "postgres://postgres@127.0.0.1:5432/postgres"

// runBackfill measures one whole-process backfill and prints it as JSON.
func runBackfill(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf chainFlags
	cf.add(fs)
	var o benchtest.RunOptions
	fs.StringVar(&o.Discovery, "discovery", "./discovery", "the discovery binary")
	fs.StringVar(&o.Store, "store", "postgres", "sqlite or postgres")
	fs.StringVar(&o.PGAdmin, "pg", defaultPG, "PostgreSQL server to make the run's database on")
	fs.StringVar(&o.WorkDir, "workdir", "", "directory for SQLite files and discovery's log (default: a new temporary one)")
	fs.DurationVar(&o.Cap, "cap", 10*time.Minute, "stop a backfill not done by then and report how far it got")
	extra := fs.String("discovery-args", "", "more flags for `discovery run`, space-separated, e.g. \"--batch-size 10\"")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Args = strings.Fields(*extra)
	if o.WorkDir == "" {
		d, err := os.MkdirTemp("", "synth-backfill-")
		if err != nil {
			return fmt.Errorf("making a work directory: %w", err)
		}
		o.WorkDir = d
	}
	t, err := benchtest.NewTarget(ctx, cf.cfg, cf.dir, synth.ServerOptions{})
	if err != nil {
		return err
	}
	defer t.Close()
	r, err := benchtest.Backfill(ctx, t, o)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
