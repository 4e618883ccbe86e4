package follow_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/discovery-node/discovery"
)

// recordingSink keeps what it is applied, and reports its last block as the
// checkpoint, the way a store commits the two together. Like a store it
// reverts only its head, and it answers IndexedBlock and Prune.
type recordingSink struct {
	mu       sync.Mutex
	blocks   []discovery.Block
	start    *discovery.BlockRef // checkpoint before anything was applied
	failAt   uint64              // Apply of this block fails while non-zero
	failRev  uint64              // Revert of this block fails while non-zero
	reverted []discovery.BlockRef
	prunes   []uint64 // the below argument of each Prune call
	reached  map[uint64]chan struct{}
}

func (s *recordingSink) Apply(_ context.Context, b discovery.Block) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failAt != 0 && b.Number == s.failAt {
		return fmt.Errorf("disk full")
	}
	if head, ok := s.headLocked(); ok && (b.Number != head.Number+1 || b.ParentHash != head.Hash) {
		return fmt.Errorf("apply block %d on head %d: %w", b.Number, head.Number, discovery.ErrNotNextBlock)
	}
	s.blocks = append(s.blocks, b)
	if ch, ok := s.reached[b.Number]; ok {
		close(ch)
		delete(s.reached, b.Number)
	}
	return nil
}

func (s *recordingSink) Revert(_ context.Context, b discovery.BlockRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failRev != 0 && b.Number == s.failRev {
		return fmt.Errorf("disk full")
	}
	if len(s.blocks) == 0 || s.blocks[len(s.blocks)-1].BlockRef != b {
		return fmt.Errorf("revert block %d: %w", b.Number, discovery.ErrNotHead)
	}
	s.blocks = s.blocks[:len(s.blocks)-1]
	s.reverted = append(s.reverted, b)
	return nil
}

func (s *recordingSink) Checkpoint(context.Context) (discovery.BlockRef, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.headLocked()
	return b, ok, nil
}

func (s *recordingSink) headLocked() (discovery.BlockRef, bool) {
	if len(s.blocks) > 0 {
		return s.blocks[len(s.blocks)-1].BlockRef, true
	}
	if s.start != nil {
		return *s.start, true
	}
	return discovery.BlockRef{}, false
}

// IndexedBlock is the sink's Store.Block.
func (s *recordingSink) IndexedBlock(_ context.Context, n uint64) (discovery.BlockRef, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.blocks {
		if b.Number == n {
			return b.BlockRef, true, nil
		}
	}
	if s.start != nil && s.start.Number == n {
		return *s.start, true, nil
	}
	return discovery.BlockRef{}, false, nil
}

// Prune is the sink's Store.Prune; it records the call and drops nothing.
func (s *recordingSink) Prune(_ context.Context, below uint64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prunes = append(s.prunes, below)
	return int(below), nil
}

// reach returns a channel closed when block num is applied.
func (s *recordingSink) reach(num uint64) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reached == nil {
		s.reached = map[uint64]chan struct{}{}
	}
	ch := make(chan struct{})
	s.reached[num] = ch
	return ch
}

func (s *recordingSink) setFailAt(num uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAt = num
}

func (s *recordingSink) setFailRevert(num uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRev = num
}

// refs returns the references of the applied blocks, in order.
func (s *recordingSink) refs() []discovery.BlockRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	var refs []discovery.BlockRef
	for _, b := range s.blocks {
		refs = append(refs, b.BlockRef)
	}
	return refs
}

// revertedRefs returns the reverted blocks in the order they were reverted.
func (s *recordingSink) revertedRefs() []discovery.BlockRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]discovery.BlockRef(nil), s.reverted...)
}

func (s *recordingSink) pruneCalls() []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint64(nil), s.prunes...)
}

// mustBeContiguous fails the test unless the sink holds blocks from..to,
// each once, in order.
func (s *recordingSink) mustBeContiguous(t *testing.T, from, to uint64) {
	t.Helper()
	refs := s.refs()
	if uint64(len(refs)) != to-from+1 {
		t.Fatalf("sink holds %d blocks, want %d (%d-%d)", len(refs), to-from+1, from, to)
	}
	for i, r := range refs {
		if r.Number != from+uint64(i) {
			t.Fatalf("sink's block %d is block %d, want %d", i, r.Number, from+uint64(i))
		}
	}
}
