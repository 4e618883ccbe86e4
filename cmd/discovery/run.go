package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

const usage = `discovery: a discovery node for the content protocol.

Usage:
  discovery dev   [flags]   embedded chain with demo content, SQLite, API (no setup)
  discovery run   [flags]   index a real chain and serve it
  discovery serve [flags]   serve the API over an existing index, following no chain
  discovery seed  [flags]   deploy EntityManager to a chain and seed demo content
  discovery digest [flags]  print an index's state digest, kept and recomputed

Run "discovery COMMAND -h" for a command's flags. Every flag can also be set
with the environment variable named in its help.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// run is the whole program. It returns when ctx is cancelled (SIGINT/SIGTERM)
// or a command fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "dev":
		return runDev(ctx, args, getenv, stdout, stderr)
	case "run":
		return runRun(ctx, args, getenv, stdout, stderr)
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "seed":
		return runSeed(ctx, args, getenv, stdout, stderr)
	case "digest":
		return runDigest(ctx, args, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "discovery", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// flags is a FlagSet whose defaults can come from the environment, so the
// same settings work on a command line and in a service manager.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
	errs   []error // bad values found in the environment, reported by parse
}

func newFlags(name string, getenv func(string) string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet("discovery "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flags{FlagSet: fs, getenv: getenv}
}

func (f *flags) env(name, def string) string {
	if v := f.getenv(name); v != "" {
		return v
	}
	return def
}

func (f *flags) string(p *string, name, env, def, help string) {
	f.StringVar(p, name, f.env(env, def), help+" (env "+env+")")
}

// listFlag is a repeatable flag whose values may also be comma-separated.
// A list from the environment is replaced, not extended, by the first value
// given on the command line.
type listFlag struct {
	vals    []string
	fromEnv bool
}

func (l *listFlag) String() string { return strings.Join(l.vals, ",") }

func (l *listFlag) Set(v string) error {
	if l.fromEnv {
		l.vals, l.fromEnv = nil, false
	}
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			l.vals = append(l.vals, part)
		}
	}
	return nil
}

// list declares a listFlag; the environment supplies the list when the
// command line does not.
func (f *flags) list(p *listFlag, name, env, help string) {
	f.Var(p, name, help+" (env "+env+", comma-separated)")
	if v := f.getenv(env); v != "" {
		_ = p.Set(v)
		p.fromEnv = true
	}
}

func (f *flags) duration(p *time.Duration, name, env string, def time.Duration, help string) {
	f.DurationVar(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

func (f *flags) float64(p *float64, name, env string, def float64, help string) {
	f.Float64Var(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

func (f *flags) int(p *int, name, env string, def int, help string) {
	f.IntVar(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

func (f *flags) bool(p *bool, name, env string, def bool, help string) {
	f.BoolVar(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

func (f *flags) int64(p *int64, name, env string, def int64, help string) {
	f.Int64Var(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

func (f *flags) uint64(p *uint64, name, env string, def uint64, help string) {
	f.Uint64Var(p, name, def, help+" (env "+env+")")
	f.fromEnv(name, env)
}

// fromEnv sets a typed flag from its environment variable through the flag's
// own parser, so a bad value is reported the same way as on the command line.
func (f *flags) fromEnv(name, env string) {
	if v := f.getenv(env); v != "" {
		if err := f.Set(name, v); err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q is not a valid --%s (see discovery -h): %w", env, v, name, err))
		}
	}
}

// parse parses args after reporting any bad environment value.
func (f *flags) parse(args []string) error {
	if len(f.errs) > 0 {
		return errors.Join(f.errs...)
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(f.Args(), " "))
	}
	return nil
}

// logger builds the process logger from a level name.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
