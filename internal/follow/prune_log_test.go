package follow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discovery-node/discovery/internal/follow"
)

// logRecorder is a slog handler that keeps every record.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (*logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler     { return h }
func (h *logRecorder) WithGroup(string) slog.Handler          { return h }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// errors returns "message: err" of each record at ERROR or above.
func (h *logRecorder) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		if r.Level < slog.LevelError {
			continue
		}
		line := r.Message
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "err" {
				line += ": " + a.Value.String()
			}
			return true
		})
		out = append(out, line)
	}
	return out
}

// TestRunLogsPruneFailures checks that a prune cut short by shutdown is not
// reported as an error, whatever error the store returns for it, while a
// prune that fails on its own still is.
func TestRunLogsPruneFailures(t *testing.T) {
	tests := []struct {
		name string
		// prune is the store's prune; it is called with Run's context.
		prune func(ctx context.Context) error
		// shutdown cancels Run's context while the prune runs.
		shutdown  bool
		wantError string // in the ERROR record; "" for none
	}{
		{"store fails", func(context.Context) error { return errors.New("disk full") }, false,
			"pruning undo images: pruning undo images below block 25: disk full"},
		{"shutdown, the context's error", func(ctx context.Context) error {
			<-ctx.Done()
			return fmt.Errorf("deleting undo rows: %w", ctx.Err())
		}, true, ""},
		{"shutdown, the driver's own error", func(ctx context.Context) error {
			<-ctx.Done()
			return errors.New("interrupted (9)")
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logRecorder{}
			entered := make(chan struct{}, 1)
			chain := newScriptedChain(30)
			sink := &recordingSink{}
			f := follow.New(chain, sink, sink.Checkpoint, follow.Config{
				FinalityDepth: 5,
				PollInterval:  time.Millisecond,
				PruneInterval: time.Millisecond,
				IndexedBlock:  sink.IndexedBlock,
				Prune: func(ctx context.Context, below uint64) (int, error) {
					select {
					case entered <- struct{}{}:
					default:
					}
					return 0, tt.prune(ctx)
				},
				Logger: slog.New(logs),
			})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- f.Run(ctx) }()

			await(t, entered, "a prune")
			if tt.wantError != "" {
				waitFor(t, "the failure logged", func() bool {
					return slices.ContainsFunc(logs.errors(), func(s string) bool { return strings.Contains(s, tt.wantError) })
				})
			}
			cancel()
			if err := await(t, done, "Run to return"); err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
			if got := logs.errors(); tt.wantError == "" && len(got) > 0 {
				t.Errorf("logged errors %q, want none for a prune cut short by shutdown", got)
			}
		})
	}
}
