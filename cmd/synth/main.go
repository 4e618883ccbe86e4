// Command synth generates a synthetic content-protocol chain and serves it
// over JSON-RPC, and runs Discovery's benchmark suite against such chains.
//
//	synth serve -events 100000 -listen 127.0.0.1:8545
//	synth backfill -discovery ./discovery -store postgres -events 100000
//	synth suite -discovery ./discovery -out BENCHMARKS.md [-quick]
//	synth apiload -pg postgres://postgres@127.0.0.1:5432/postgres [-quick] [-out FILE]
//
// script/bench builds the binaries and runs the suite.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `synth: a synthetic content-protocol chain, and Discovery's benchmarks.

Usage:
  synth serve    [flags]   generate a chain and serve it over JSON-RPC (HTTP and WebSocket)
  synth backfill [flags]   one whole-process backfill of the discovery binary; prints JSON
  synth suite    [flags]   the whole benchmark suite; writes BENCHMARKS.md
  synth report   [flags]   write the report again from a suite's results.json
  synth apiload  [flags]   the v1 API under 32 concurrent clients on a generated data set

Run "synth COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "backfill":
		return runBackfill(ctx, args[1:], stdout, stderr)
	case "suite":
		return runSuite(ctx, args[1:], stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], stdout, stderr)
	case "apiload":
		return runAPILoad(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
