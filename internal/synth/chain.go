package synth

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Chain is a generated chain, rendered and ready to serve. Rendered blocks
// go to a file (deleted when the Chain closes; the page cache keeps it
// fast), so memory holds only a few dozen bytes per block and a few per
// log. Blocks are revealed up to a head: all at once for a backfill, or one
// at a time to measure how soon an indexer follows.
type Chain struct {
	cfg  Config
	salt uint64

	file *os.File
	w    *bufio.Writer
	size int64 // bytes written to file

	mu       sync.RWMutex
	blocks   []blockMeta
	byHash   map[common.Hash]uint64
	stats    Stats
	head     uint64 // newest revealed block
	revealed bool   // whether any block is revealed
	subs     map[chan uint64]struct{}
	scratch  rendered
}

// blockMeta locates one rendered block in the file.
type blockMeta struct {
	hash       common.Hash
	time       uint64
	probe      int64
	events     int // ManageEntity logs in this block and every one before
	revealedAt time.Time
	header     span
	block      span
	logs       span
	offsets    []uint32 // of each log within logs, then its length
	kinds      []Kind
	kindSeen   [3]bool
}

type span struct {
	off int64
	n   int
}

// NewChain returns an empty chain for cfg whose rendered blocks are kept in
// a file under dir ("" for DefaultDir).
func NewChain(cfg Config, dir string) (*Chain, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if dir == "" {
		dir = DefaultDir()
	}
	f, err := os.CreateTemp(dir, "synth-chain-*.json")
	if err != nil {
		return nil, fmt.Errorf("creating the synthetic chain's file: %w", err)
	}
	// Unlinked at once: the file lives as long as the descriptor, and no
	// crash can leave gigabytes behind.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("unlinking the synthetic chain's file: %w", err)
	}
	return &Chain{
		cfg:    cfg,
		salt:   mix64(cfg.Seed ^ 0xb10c),
		file:   f,
		w:      bufio.NewWriterSize(f, 1<<20),
		byHash: map[common.Hash]uint64{},
		subs:   map[chan uint64]struct{}{},
	}, nil
}

// Build generates the chain cfg describes into a new Chain, every block
// revealed but the TailBlocks, which the caller reveals. It stops early when
// ctx is cancelled.
func Build(ctx context.Context, cfg Config, dir string) (*Chain, error) {
	g, err := NewGenerator(cfg)
	if err != nil {
		return nil, err
	}
	c, err := NewChain(cfg, dir)
	if err != nil {
		return nil, err
	}
	for b, ok := g.Next(); ok; b, ok = g.Next() {
		if b.Number%256 == 0 && ctx.Err() != nil {
			c.Close()
			return nil, fmt.Errorf("generating the synthetic chain: %w", ctx.Err())
		}
		if err := c.Append(b); err != nil {
			c.Close()
			return nil, err
		}
	}
	c.SetStats(g.Stats())
	if err := c.Reveal(uint64(c.Len() - 1 - c.cfg.TailBlocks)); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close releases the chain's file.
func (c *Chain) Close() error { return c.file.Close() }

// Config returns the chain's configuration with defaults filled in.
func (c *Chain) Config() Config { return c.cfg }

// SetStats records what the generator put in the chain, for Stats.
func (c *Chain) SetStats(s Stats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats = s
}

// Stats returns what the generator put in the chain.
func (c *Chain) Stats() Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stats
}

// Append renders the next block and stores it, unrevealed until Reveal.
func (c *Chain) Append(b *Block) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b.Number != uint64(len(c.blocks)) {
		return fmt.Errorf("appending block %d to a synthetic chain of %d blocks", b.Number, len(c.blocks))
	}
	var parent common.Hash
	if b.Number > 0 {
		parent = c.blocks[b.Number-1].hash
	}
	r := &c.scratch
	if err := render(c.cfg, c.salt, b, parent, r); err != nil {
		return err
	}
	m := blockMeta{hash: r.hash, time: b.Time, probe: b.Probe,
		offsets: append([]uint32(nil), r.offsets...), kinds: append([]Kind(nil), r.kinds...)}
	if b.Number > 0 {
		m.events = c.blocks[b.Number-1].events
	}
	for _, k := range r.kinds {
		m.kindSeen[k] = true
		if k == KindManageEntity {
			m.events++
		}
	}
	var err error
	if m.header, err = c.write(r.header); err != nil {
		return err
	}
	if m.block, err = c.write(r.block); err != nil {
		return err
	}
	if m.logs, err = c.write(r.logs); err != nil {
		return err
	}
	c.blocks = append(c.blocks, m)
	c.byHash[m.hash] = b.Number
	return nil
}

func (c *Chain) write(b []byte) (span, error) {
	s := span{off: c.size, n: len(b)}
	if _, err := c.w.Write(b); err != nil {
		return s, fmt.Errorf("writing the synthetic chain's file: %w", err)
	}
	c.size += int64(len(b))
	return s, nil
}

// Len is the number of blocks appended, revealed or not.
func (c *Chain) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.blocks)
}

// Bytes is the size of the rendered chain.
func (c *Chain) Bytes() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.size
}

// Head returns the newest revealed block.
func (c *Chain) Head() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.head
}

// Reveal makes blocks up to n visible (n is capped at the last appended
// block; a lower n than the head changes nothing), records when, and tells
// head subscribers.
func (c *Chain) Reveal(n uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.blocks) == 0 {
		return nil
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("flushing the synthetic chain's file: %w", err)
	}
	n = min(n, uint64(len(c.blocks)-1))
	if c.revealed && n <= c.head {
		return nil
	}
	now := time.Now()
	from := uint64(0)
	if c.revealed {
		from = c.head + 1
	}
	for i := from; i <= n; i++ {
		c.blocks[i].revealedAt = now
	}
	c.head, c.revealed = n, true
	for ch := range c.subs {
		select { // keep only the newest head for a slow reader
		case <-ch:
		default:
		}
		ch <- n
	}
	return nil
}

// RevealedAt returns when block n was revealed; zero if it is not.
func (c *Chain) RevealedAt(n uint64) time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if n >= uint64(len(c.blocks)) {
		return time.Time{}
	}
	return c.blocks[n].revealedAt
}

// Probe returns the user created last in block n when the chain was made
// with Config.ProbeEveryBlock, else 0.
func (c *Chain) Probe(n uint64) int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if n >= uint64(len(c.blocks)) {
		return 0
	}
	return c.blocks[n].probe
}

// EventsThrough returns how many ManageEntity logs blocks 0..n hold.
func (c *Chain) EventsThrough(n uint64) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.blocks) == 0 {
		return 0
	}
	return c.blocks[min(n, uint64(len(c.blocks)-1))].events
}

// Hash returns block n's hash; zero when there is no such block.
func (c *Chain) Hash(n uint64) common.Hash {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if n >= uint64(len(c.blocks)) {
		return common.Hash{}
	}
	return c.blocks[n].hash
}

// subscribe returns a channel that receives each new head (only the newest
// when the reader is slow) until cancel is called.
func (c *Chain) subscribe() (<-chan uint64, func()) {
	ch := make(chan uint64, 1)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}

// readSpan appends the bytes of s to dst.
func (c *Chain) readSpan(dst []byte, s span) ([]byte, error) {
	n := len(dst)
	dst = slices.Grow(dst, s.n)[:n+s.n]
	if _, err := c.file.ReadAt(dst[n:], s.off); err != nil {
		return dst[:n], fmt.Errorf("reading the synthetic chain's file: %w", err)
	}
	return dst, nil
}

// revealedBlock returns block n's metadata if n is revealed.
func (c *Chain) revealedBlock(n uint64) (blockMeta, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.revealed || n > c.head {
		return blockMeta{}, false
	}
	return c.blocks[n], true
}

// numberOf returns the number of the revealed block with hash h.
func (c *Chain) numberOf(h common.Hash) (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n, ok := c.byHash[h]
	if !ok || !c.revealed || n > c.head {
		return 0, false
	}
	return n, true
}
