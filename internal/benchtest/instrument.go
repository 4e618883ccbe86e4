package benchtest

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/chain"
)

// Timings split a pipeline's wall time between its parts. A CPU profile
// cannot: most of an indexer's time may be spent waiting for the database
// or the node, which a CPU profile does not see.
type Timings struct {
	// Fetch is the time in the block source: JSON-RPC round trips,
	// decoding and checking the answers.
	Fetch time.Duration
	// Apply is the time in the content indexer's Apply: decoding events,
	// the protocol's rules, the store reads they make and the block write.
	Apply time.Duration
	// Reads and ReadCalls are the store reads the indexer made while
	// validating (part of Apply).
	Reads     time.Duration
	ReadCalls int64
	// Write and Writes are the store's ApplyBlock calls (part of Apply).
	Write  time.Duration
	Writes int64
}

// timedSource is the chain client, timed. Finalized and SubscribeHeads are
// promoted, so the follower sees the same capabilities as in the binary.
type timedSource struct {
	*chain.Client
	t *Timings
}

func (s timedSource) Head(ctx context.Context) (uint64, error) {
	defer s.t.since(&s.t.Fetch, time.Now())
	return s.Client.Head(ctx)
}

func (s timedSource) Blocks(ctx context.Context, from, to uint64) ([]discovery.Block, error) {
	defer s.t.since(&s.t.Fetch, time.Now())
	return s.Client.Blocks(ctx, from, to)
}

func (t *Timings) add(o Timings) {
	t.Fetch += o.Fetch
	t.Apply += o.Apply
	t.Reads += o.Reads
	t.ReadCalls += o.ReadCalls
	t.Write += o.Write
	t.Writes += o.Writes
}

func (t *Timings) since(d *time.Duration, start time.Time) { *d += time.Since(start) }

// timedSink is the content indexer, timed.
type timedSink struct {
	discovery.BatchSink
	t *Timings
}

func (s timedSink) Apply(ctx context.Context, b discovery.Block) error {
	defer s.t.since(&s.t.Apply, time.Now())
	return s.BatchSink.Apply(ctx, b)
}

func (s timedSink) ApplyBlocks(ctx context.Context, bs []discovery.Block) error {
	defer s.t.since(&s.t.Apply, time.Now())
	return s.BatchSink.ApplyBlocks(ctx, bs)
}

// timedStore is the store as the indexer sees it, with its reads and block
// writes timed.
type timedStore struct {
	discovery.Store
	t *Timings
}

func read[K, V any](s timedStore, f func(context.Context, K) (V, bool, error), ctx context.Context, k K) (V, bool, error) {
	start := time.Now()
	v, ok, err := f(ctx, k)
	s.t.Reads += time.Since(start)
	s.t.ReadCalls++
	return v, ok, err
}

func (s timedStore) User(ctx context.Context, id int64) (*discovery.User, bool, error) {
	return read(s, s.Store.User, ctx, id)
}
func (s timedStore) UserIDByHandle(ctx context.Context, h string) (int64, bool, error) {
	return read(s, s.Store.UserIDByHandle, ctx, h)
}
func (s timedStore) Track(ctx context.Context, id int64) (*discovery.Track, bool, error) {
	return read(s, s.Store.Track, ctx, id)
}
func (s timedStore) Playlist(ctx context.Context, id int64) (*discovery.Playlist, bool, error) {
	return read(s, s.Store.Playlist, ctx, id)
}
func (s timedStore) Follow(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	return read(s, s.Store.Follow, ctx, k)
}
func (s timedStore) Repost(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	return read(s, s.Store.Repost, ctx, k)
}
func (s timedStore) Save(ctx context.Context, k discovery.ItemKey) (*discovery.ItemAction, bool, error) {
	return read(s, s.Store.Save, ctx, k)
}
func (s timedStore) Subscription(ctx context.Context, k discovery.FollowKey) (*discovery.Follow, bool, error) {
	return read(s, s.Store.Subscription, ctx, k)
}
func (s timedStore) Route(ctx context.Context, k discovery.RouteKey) (*discovery.Route, bool, error) {
	return read(s, s.Store.Route, ctx, k)
}
func (s timedStore) DeveloperApp(ctx context.Context, a common.Address) (*discovery.DeveloperApp, bool, error) {
	return read(s, s.Store.DeveloperApp, ctx, a)
}
func (s timedStore) Grant(ctx context.Context, k discovery.GrantKey) (*discovery.Grant, bool, error) {
	return read(s, s.Store.Grant, ctx, k)
}
func (s timedStore) PlayDay(ctx context.Context, k discovery.PlayDayKey) (*discovery.PlayDay, bool, error) {
	return read(s, s.Store.PlayDay, ctx, k)
}

// ReadRows counts as one read: one round trip however many rows.
func (s timedStore) ReadRows(ctx context.Context, k discovery.RowKeys) (discovery.RowSet, error) {
	start := time.Now()
	rs, err := s.Store.ReadRows(ctx, k)
	s.t.Reads += time.Since(start)
	s.t.ReadCalls++
	return rs, err
}

func (s timedStore) ApplyBlock(ctx context.Context, b discovery.BlockRef, c *discovery.Changes) error {
	defer s.t.since(&s.t.Write, time.Now())
	s.t.Writes++
	return s.Store.ApplyBlock(ctx, b, c)
}

func (s timedStore) ApplyBlocks(ctx context.Context, bcs []discovery.BlockChanges) error {
	defer s.t.since(&s.t.Write, time.Now())
	s.t.Writes++
	return s.Store.ApplyBlocks(ctx, bcs)
}
