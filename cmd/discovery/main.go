// Command discovery follows an Ethereum-compatible chain, indexes the content
// protocol's events and serves them over an Audius-compatible JSON API.
//
// main only turns signals into a cancelled context and an error into an exit
// code; everything else happens in run, so tests can drive the real program
// in-process.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "discovery: %v\n", err)
		os.Exit(1)
	}
}
