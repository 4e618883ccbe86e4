package follow

import (
	"context"

	"github.com/discovery-node/discovery"
)

// A follower catching up spends its time in two places that can overlap:
// fetching and decoding blocks from the node, and applying them. While a
// run is applied, the next one is fetched: readAhead holds that fetch.
// It is started only for blocks already final, so the blocks it returns
// cannot have been orphaned meanwhile; and it is used only if the next
// Step wants exactly the blocks after the checkpoint it was started from.
type readAhead struct {
	from, to uint64
	done     chan struct{}
	blocks   []discovery.Block
	err      error
}

// fetch returns blocks from..to, from the read-ahead when it holds them
// (waiting for it to finish), else from the source. A read-ahead of other
// blocks is dropped: the checkpoint moved elsewhere (a revert, a restart
// of the run).
func (f *Follower) fetch(ctx context.Context, from, to uint64) ([]discovery.Block, error) {
	ra := f.ahead
	f.ahead = nil
	if ra != nil && ra.from == from && ra.to <= to {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ra.done:
		}
		if ra.err == nil {
			f.metrics.readAhead.Inc()
			return ra.blocks, nil
		}
		// A failed read-ahead is simply made again, now.
	}
	return f.src.Blocks(ctx, from, to)
}

// startReadAhead fetches the run after to in the background, when it lies
// at or below final, the newest block the follower takes as final (from the
// node's finalized block or the finality depth): blocks a reorganisation can
// no longer touch. Memory holds at most the run being applied and the next
// one.
func (f *Follower) startReadAhead(ctx context.Context, to, final uint64) {
	from := to + 1
	if from > final {
		return
	}
	end := min(from+f.runBlocks()-1, final)
	ra := &readAhead{from: from, to: end, done: make(chan struct{})}
	f.ahead = ra
	go func() {
		defer close(ra.done)
		ra.blocks, ra.err = f.src.Blocks(ctx, ra.from, ra.to)
	}()
}

// runBlocks is how many blocks the next run fetches: Config.BatchSize,
// fewer when recent blocks were dense, so that a run holds about
// Config.MaxRunLogs logs. Memory and the size of one transaction follow the
// logs, not the blocks: a hundred blocks of a quiet chain are a few logs, a
// hundred of a busy one fifty thousand. Until a run has shown how dense
// the blocks are, runs are of probeBlocks.
func (f *Follower) runBlocks() uint64 {
	if f.logsPerBlock <= 0 {
		return min(probeBlocks, f.cfg.BatchSize)
	}
	n := uint64(float64(f.cfg.MaxRunLogs) / f.logsPerBlock)
	return max(1, min(n, f.cfg.BatchSize))
}

// probeBlocks is the size of the first run, whose blocks' density is not
// known yet. A full --batch-size of dense blocks was the largest run of a
// backfill, four times --max-run-logs: on a synthetic chain of 50-500
// logs a block it set the process's peak memory (RssAnon 200 MB, against
// 116 MB when the first run was 25 blocks, at the same speed).
const probeBlocks = 10

// observeRun updates the density runBlocks sizes runs by: a moving
// average of logs per block, weighted towards recent runs.
func (f *Follower) observeRun(blocks []discovery.Block) {
	logs := 0
	for _, b := range blocks {
		logs += len(b.Logs)
	}
	density := float64(logs) / float64(len(blocks))
	if f.logsPerBlock <= 0 {
		f.logsPerBlock = density
		return
	}
	f.logsPerBlock = 0.5*f.logsPerBlock + 0.5*density
}
