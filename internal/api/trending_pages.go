package api

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/discovery-node/discovery"
)

// Trending is the home page of every listener, and a signed-in listener's
// request (user_id) differs from everyone else's only in the viewer fields.
// The answer cache never serves those requests, since the finished bytes
// hold the fields, so each one ranked the tracks and read their owners
// again: two of the three queries of the answer, and most of its cost. The
// trending pages keep, per indexed head, the ranked tracks with their
// owners as typed values; a request copies its page and fills in only its
// viewer's fields (one query). Like the answer cache, a page is only
// served for the head it was computed at.

// maxTrendingPages bounds the pages kept for one head. The parameters
// listeners send are few (the window, a genre, the first pages); a client
// walking deep pages or every genre is computed for, not kept for. A page
// of 100 tracks is a few hundred KB, so the bound is some tens of MB.
const maxTrendingPages = 64

// trendingPageTimeout bounds one computation of a page, which runs apart
// from any one request's deadline.
const trendingPageTimeout = 30 * time.Second

// trendingPageKey is a page's parameters: everything but the viewer.
type trendingPageKey struct {
	window discovery.TrendingWindow
	genre  string
	page   discovery.Page
}

// trendingPage is one page, computed once for every request that waits on
// it.
type trendingPage struct {
	done   chan struct{}
	tracks []trackJSON // read only once done is closed
	err    error
}

// trendingPages are the pages of the newest head read.
type trendingPages struct {
	heads *headReader // the answer cache's: one read of the head serves both

	mu    sync.Mutex
	head  discovery.BlockRef
	pages map[trendingPageKey]*trendingPage
}

// newTrendingPages returns the pages kept beside the answer cache c, or
// nil, which computes every request, when there is no cache.
func newTrendingPages(c *answerCache) *trendingPages {
	if c == nil {
		return nil
	}
	return &trendingPages{heads: c.heads, pages: map[trendingPageKey]*trendingPage{}}
}

// get returns a copy of the page k at the indexed head, computing it with
// compute when no request has yet. Failures are not kept: the next request
// computes again. With nothing indexed, or on a nil p, it just computes.
func (p *trendingPages) get(ctx context.Context, k trendingPageKey, compute func(context.Context) ([]trackJSON, error)) ([]trackJSON, error) {
	if p == nil {
		return compute(ctx)
	}
	head, ok, err := p.heads.head(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return compute(ctx)
	}
	p.mu.Lock()
	if head != p.head {
		p.head, p.pages = head, map[trendingPageKey]*trendingPage{}
	}
	pg, found := p.pages[k]
	if !found {
		if len(p.pages) >= maxTrendingPages {
			p.mu.Unlock()
			return compute(ctx)
		}
		pg = &trendingPage{done: make(chan struct{})}
		p.pages[k] = pg
	}
	pages := p.pages
	p.mu.Unlock()

	if !found {
		// Computed on a context of its own: a waiter's request must not
		// fail because the request that began the computation went away.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), trendingPageTimeout)
		pg.tracks, pg.err = compute(cctx)
		cancel()
		if pg.err != nil {
			p.mu.Lock()
			if pages[k] == pg {
				delete(pages, k)
			}
			p.mu.Unlock()
		}
		close(pg.done)
	}
	select {
	case <-pg.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if pg.err != nil {
		return nil, pg.err
	}
	// The viewer's fields are set on the copy's elements; the kept page
	// is never written.
	return slices.Clone(pg.tracks), nil
}
