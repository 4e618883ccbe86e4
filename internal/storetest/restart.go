package storetest

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery"
)

func testRestart(t *testing.T, open func(t *testing.T) discovery.Store) {
	ctx := context.Background()
	c := newChain(100)
	s := open(t)
	var last discovery.BlockRef
	for i := range 3 {
		last = c.block()
		mustApply(t, s, last, changes(t, user(int64(i+1), "user"+string(rune('a'+i)), int64(i))))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	s = open(t)
	h, ok := mustHead(t, s)
	if !ok {
		t.Fatal("no head after reopening")
	}
	equal(t, "head after reopening", h, last)
	u, ok := mustUser(t, s, 3)
	if !ok {
		t.Fatal("user 3 missing after reopening")
	}
	equal(t, "user 3", u, user(3, "userc", 2))

	stale := last // the checkpoint still guards the chain after a restart
	err := s.ApplyBlock(ctx, stale, nil)
	wantCode(t, "re-applying the head after reopening", err, discovery.EINVALID)
	next := c.block()
	mustApply(t, s, next, nil)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	s = open(t)
	defer s.Close()
	h, _ = mustHead(t, s)
	equal(t, "head after second reopening", h, next)

	// The undo images and digests survive too.
	mustRevert(t, s, next)
	mustRevert(t, s, last)
	h, _ = mustHead(t, s)
	if h.Number != last.Number-1 {
		t.Errorf("head after reverting two blocks = %d, want %d", h.Number, last.Number-1)
	}
	if _, ok := mustUser(t, s, 3); ok {
		t.Error("user 3 of the reverted block exists")
	}
	checkDigests(t, s)
}
