package follow_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/discovery-node/discovery"
)

// recordingSink keeps what it is applied, and reports its last block as the
// checkpoint, the way a store commits the two together.
type recordingSink struct {
	mu      sync.Mutex
	blocks  []discovery.Block
	start   *discovery.BlockRef // checkpoint before anything was applied
	failAt  uint64              // Apply of this block fails while non-zero
	reached map[uint64]chan struct{}
}

func (s *recordingSink) Apply(_ context.Context, b discovery.Block) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failAt != 0 && b.Number == s.failAt {
		return fmt.Errorf("disk full")
	}
	s.blocks = append(s.blocks, b)
	if ch, ok := s.reached[b.Number]; ok {
		close(ch)
		delete(s.reached, b.Number)
	}
	return nil
}

func (s *recordingSink) Checkpoint(context.Context) (discovery.BlockRef, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.blocks) > 0 {
		return s.blocks[len(s.blocks)-1].BlockRef, true, nil
	}
	if s.start != nil {
		return *s.start, true, nil
	}
	return discovery.BlockRef{}, false, nil
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
