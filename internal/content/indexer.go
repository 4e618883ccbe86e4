// Package content indexes the content protocol: it decodes ManageEntity
// events, decides for each whether the protocol allows it, and turns the
// allowed ones into entity changes that the store applies with the block in
// one transaction. An action the protocol refuses is recorded with its reason
// and never stops indexing; only a failure to read or write the store does,
// so the block is retried rather than half applied.
package content

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
)

// Indexer applies blocks of ManageEntity logs to a store. It implements
// discovery.BlockSink.
type Indexer struct {
	store   discovery.Store
	decoder *decoder
	logger  *slog.Logger
	metrics *metrics
}

// Options configure an Indexer; the zero value is ready to use.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer // receives the indexer's metrics when set
}

// New returns an Indexer writing to store.
func New(store discovery.Store, opts Options) (*Indexer, error) {
	d, err := newDecoder()
	if err != nil {
		return nil, fmt.Errorf("new content indexer: %w", err)
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("register content indexer metrics: %w", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Indexer{store: store, decoder: d, logger: logger, metrics: m}, nil
}

// Apply validates every log of b against the state before it and commits the
// block's changes, its rejected actions and the checkpoint together.
func (ix *Indexer) Apply(ctx context.Context, b discovery.Block) error {
	c, outcomes, err := ix.changes(ctx, b)
	if err != nil {
		return err
	}
	// The store's error already names the block.
	if err := ix.store.ApplyBlock(ctx, b.BlockRef, c); err != nil {
		return err
	}
	// Counted only once committed, so a retried block is not counted twice.
	for o, n := range outcomes {
		ix.metrics.actions.WithLabelValues(o.entityType, o.action, o.outcome).Add(float64(n))
	}
	return nil
}

// outcome labels one action for the metrics.
type outcome struct{ entityType, action, outcome string }

// changes computes what b changes without writing anything, and tallies the
// outcome of each action.
func (ix *Indexer) changes(ctx context.Context, b discovery.Block) (*discovery.Changes, map[outcome]int, error) {
	v := newView(ix.store)
	outcomes := map[outcome]int{}
	for _, lg := range b.Logs {
		ev, err := ix.decoder.decode(lg)
		if err == nil {
			err = ix.apply(ctx, v, b.BlockRef, lg, ev)
		} else {
			err = &rejection{reason: err.Error()}
		}
		o := outcome{
			entityType: label(ev.EntityType, discovery.EntityUser, discovery.EntityTrack, discovery.EntityPlaylist),
			action: label(ev.Action, discovery.ActionCreate, discovery.ActionUpdate, discovery.ActionDelete,
				discovery.ActionFollow, discovery.ActionUnfollow, discovery.ActionRepost, discovery.ActionUnrepost,
				discovery.ActionSave, discovery.ActionUnsave),
			outcome: "applied",
		}
		var r *rejection
		if errors.As(err, &r) {
			v.changes.Rejected = append(v.changes.Rejected, rejected(b.BlockRef, lg, ev, r.reason))
			ix.logger.Debug("action rejected", "block", b.Number, "tx", lg.TxHash, "log_index", lg.Index, "reason", r.reason)
			o.outcome = "rejected"
			outcomes[o]++
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("index block %d log %d: %w", b.Number, lg.Index, err)
		}
		outcomes[o]++
	}
	return v.finish(), outcomes, nil
}

// Revert undoes b, the store's head, exactly, from the undo image the store
// kept when b was applied.
func (ix *Indexer) Revert(ctx context.Context, b discovery.BlockRef) error {
	if err := ix.store.RevertBlock(ctx, b); err != nil {
		return err
	}
	ix.metrics.reverted.Inc()
	ix.logger.Info("block reverted", "block", b.Number, "hash", b.Hash)
	return nil
}

func rejected(b discovery.BlockRef, lg types.Log, ev event, reason string) discovery.RejectedAction {
	return discovery.RejectedAction{
		Block: b.Number, TxHash: lg.TxHash, LogIndex: lg.Index,
		UserID: ev.UserID, EntityType: truncate(ev.EntityType), EntityID: ev.EntityID,
		Action: truncate(ev.Action), Signer: ev.Signer, Reason: clean(reason),
	}
}

// action is what a rule sees: the event and the block it arrived in.
type action struct {
	event
	block discovery.BlockRef
}

// apply dispatches an event to the rule for its entity type and action.
func (ix *Indexer) apply(ctx context.Context, v *view, b discovery.BlockRef, lg types.Log, ev event) error {
	a := action{event: ev, block: b}
	switch ev.EntityType {
	case discovery.EntityUser:
		switch ev.Action {
		case discovery.ActionCreate:
			return createUser(ctx, v, a)
		case discovery.ActionUpdate:
			return updateUser(ctx, v, a)
		case discovery.ActionFollow:
			return follow(ctx, v, a)
		case discovery.ActionUnfollow:
			return unfollow(ctx, v, a)
		}
	case discovery.EntityTrack:
		switch ev.Action {
		case discovery.ActionCreate:
			return createTrack(ctx, v, a)
		case discovery.ActionUpdate:
			return updateTrack(ctx, v, a)
		case discovery.ActionDelete:
			return deleteTrack(ctx, v, a)
		case discovery.ActionRepost, discovery.ActionUnrepost, discovery.ActionSave, discovery.ActionUnsave:
			return itemAction(ctx, v, a, discovery.ItemTrack)
		}
	case discovery.EntityPlaylist:
		switch ev.Action {
		case discovery.ActionCreate:
			return createPlaylist(ctx, v, a)
		case discovery.ActionUpdate:
			return updatePlaylist(ctx, v, a)
		case discovery.ActionDelete:
			return deletePlaylist(ctx, v, a)
		case discovery.ActionRepost, discovery.ActionUnrepost, discovery.ActionSave, discovery.ActionUnsave:
			return itemAction(ctx, v, a, discovery.ItemPlaylist)
		}
	default:
		return reject("unknown entity type %q", truncate(ev.EntityType))
	}
	return reject("unknown action %q for entity type %s", truncate(ev.Action), ev.EntityType)
}

// actor loads the acting user and checks the event was signed by its wallet.
// This is the one place authorization is decided, so no rule can forget it.
func actor(ctx context.Context, v *view, a action) (*discovery.User, error) {
	u, ok, err := v.user(ctx, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", a.UserID, err)
	}
	if !ok {
		return nil, reject("user %d does not exist", a.UserID)
	}
	if u.Wallet != a.Signer {
		return nil, reject("signer %s is not the wallet of user %d", a.Signer.Hex(), a.UserID)
	}
	return u, nil
}

// truncate keeps attacker-chosen strings short, valid UTF-8 and free of NUL
// bytes (which PostgreSQL text refuses), so recording a rejection can never
// fail.
func truncate(s string) string {
	const max = 64
	s = clean(s)
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// clean makes s storable as text in every store.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
