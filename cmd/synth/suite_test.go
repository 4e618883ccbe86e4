package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestSuiteQuick runs the suite's quick mode against a freshly built
// discovery binary (the whole-process parts; script/bench --quick also
// runs the Go benchmarks), so the harness keeps working as the engine
// changes.
func TestSuiteQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the discovery binary")
	}
	pg := pgtest.DSN(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "discovery")
	build := exec.Command("go", "build", "-o", bin, "github.com/discovery-node/discovery/cmd/discovery")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building discovery: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "BENCHMARKS.md")
	var log bytes.Buffer
	err := run(context.Background(), []string{"suite", "-quick", "-go-bench=false", "-discovery", bin, "-pg", pg,
		"-workdir", dir, "-out", out}, &log, &log)
	if err != nil {
		t.Fatalf("suite: %v\n%s", err, log.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{"## Targets", "| postgres | defaults | 10,000 | yes |", "| sqlite | defaults | 10,000 | yes |", "| sqlite | `--max-run-logs 2000` | 10,000 | yes |", "## Live lag", "| 30 |", "discovery run --rpc ws://"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	again := filepath.Join(dir, "again.md")
	if err := run(context.Background(), []string{"report", "-results", filepath.Join(dir, "results.json"), "-out", again}, &log, &log); err != nil {
		t.Fatalf("report from results.json: %v", err)
	}
	if b, err := os.ReadFile(again); err != nil || string(b) != report {
		t.Errorf("the report made again from results.json differs (%v):\n%s", err, b)
	}
}
