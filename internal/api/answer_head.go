package api

import (
	"context"
	"sync"
	"time"

	"github.com/discovery-node/discovery"
)

// headReadTimeout bounds one read of the indexed head for the answer
// cache. The read runs for every request waiting on it, so it cannot use
// any one request's context; a waiter whose own context ends stops waiting
// sooner.
const headReadTimeout = 5 * time.Second

// headReader reads the indexed head for the answer cache, which must know
// the head of every request it answers: an answer is only ever served for
// the head it was computed at. Nothing in the process keeps the indexed
// head (`serve` may read an index another process writes, and its
// /health_check poller is seconds behind), so it is read from the store,
// a one-row index lookup. Requests share reads: one read is under way at a
// time, and a request waits for the first read that starts after it
// arrived, so the head it gets is never older than the head at its
// arrival, and the store sees at most one head query per round trip
// however many requests come.
type headReader struct {
	read func(ctx context.Context) (discovery.BlockRef, bool, error)
	// changed is called, in order and one call at a time, with each head
	// read that differs from the one read before it.
	changed func(discovery.BlockRef)

	mu      sync.Mutex
	running bool      // a read is under way
	next    *headRead // the read after it, which new requests wait for
	last    discovery.BlockRef
	seen    bool // last holds a head
}

// headRead is one read of the head, shared by the requests waiting on it.
type headRead struct {
	waiters int           // requests waiting on it; tests wait for it
	done    chan struct{} // closed when the fields below are set
	head    discovery.BlockRef
	ok      bool
	err     error
}

// head returns the indexed head as of a moment after the call began; ok
// is false when nothing is indexed.
func (h *headReader) head(ctx context.Context) (discovery.BlockRef, bool, error) {
	h.mu.Lock()
	rd := h.next
	if rd == nil {
		rd = &headRead{done: make(chan struct{})}
		h.next = rd
	}
	rd.waiters++
	if !h.running {
		h.running, h.next = true, nil
		go h.run(context.WithoutCancel(ctx), rd)
	}
	h.mu.Unlock()
	select {
	case <-rd.done:
		return rd.head, rd.ok, rd.err
	case <-ctx.Done():
		return discovery.BlockRef{}, false, ctx.Err()
	}
}

// run performs rd and then each read requests queued meanwhile, until
// none is.
func (h *headReader) run(ctx context.Context, rd *headRead) {
	for rd != nil {
		rctx, cancel := context.WithTimeout(ctx, headReadTimeout)
		rd.head, rd.ok, rd.err = h.read(rctx)
		cancel()
		h.mu.Lock()
		if rd.err == nil && rd.ok && (!h.seen || rd.head != h.last) {
			h.last, h.seen = rd.head, true
			h.changed(rd.head)
		}
		close(rd.done)
		rd, h.next = h.next, nil
		h.running = rd != nil
		h.mu.Unlock()
	}
}
