package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// runReport renders a report again from a suite's results.json, so the
// report's wording can change without measuring again; every figure still
// comes from that run.
func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("results", "", "a suite's results.json (required)")
	out := fs.String("out", "BENCHMARKS.md", "report to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("-results is required: the results.json a suite wrote into its work directory")
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("reading results: %w", err)
	}
	var res results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("decoding %s: %w", *in, err)
	}
	if err := os.WriteFile(*out, []byte(report(&res, filepath.Dir(*in))), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	fmt.Fprintf(stdout, "report %s from %s\n", *out, *in)
	return nil
}
