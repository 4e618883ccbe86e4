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
	"slices"
	"strings"

	"github.com/discovery-node/discovery"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
)

// Indexer applies blocks of ManageEntity logs to a store. It implements
// discovery.BlockSink.
type Indexer struct {
	opts    Options
	store   discovery.Store
	decoder *decoder
	logger  *slog.Logger
	metrics *metrics
}

// Options configure an Indexer; the zero value is ready to use, and suits a
// dev chain: any id, no verifier, no plays.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer // receives the indexer's metrics when set

	// IDOffsets are the lowest ids new entities may take; ProtocolIDOffsets
	// for a chain that shares ids with the existing protocol.
	IDOffsets IDOffsets
	// Verifier is the one signer whose User Verify actions are accepted.
	// The zero address accepts none (ManageIsVerified events still count).
	Verifier common.Address
	// EntityManagers are the contracts whose ManageEntity and
	// ManageIsVerified logs count; empty accepts any address (tests).
	EntityManagers []common.Address
	// Plays is the contract whose Play logs count; zero counts none.
	Plays common.Address
}

// IDOffsets are the lowest ids of new users, tracks and playlists.
type IDOffsets struct{ User, Track, Playlist int64 }

// ProtocolIDOffsets are the content protocol's id offsets: ids below them
// belong to entities created before the protocol moved on chain.
var ProtocolIDOffsets = IDOffsets{User: 3_000_000, Track: 2_000_000, Playlist: 400_000}

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
	return &Indexer{opts: opts, store: store, decoder: d, logger: logger, metrics: m}, nil
}

// Apply validates every log of b against the state before it and commits the
// block's changes, its rejected actions and the checkpoint together.
func (ix *Indexer) Apply(ctx context.Context, b discovery.Block) error {
	return ix.ApplyBlocks(ctx, []discovery.Block{b})
}

// ApplyBlocks validates a run of blocks, each log against the state as of
// that log (the store's, with the run's earlier blocks laid over it), and
// commits them all in one transaction. The rows the run's actions name are
// read from the store in one go before any is validated, so a run costs a
// few round trips rather than a few per action.
func (ix *Indexer) ApplyBlocks(ctx context.Context, blocks []discovery.Block) error {
	if len(blocks) == 0 {
		return nil
	}
	decoded := make([][]decodedLog, len(blocks))
	for i, b := range blocks {
		decoded[i] = ix.decodeBlock(b)
	}
	r, err := newRunReader(ctx, ix.store, keysToRead(blocks, decoded))
	if err != nil {
		return fmt.Errorf("index blocks %d-%d: %w", blocks[0].Number, blocks[len(blocks)-1].Number, err)
	}
	bcs := make([]discovery.BlockChanges, len(blocks))
	outcomes := map[outcome]int{}
	for i, b := range blocks {
		c, err := ix.changes(ctx, r, b, decoded[i], outcomes)
		if err != nil {
			return err
		}
		r.absorb(c)
		bcs[i] = discovery.BlockChanges{Block: b.BlockRef, Changes: c, Final: b.Final}
	}
	// The store's error already names the blocks.
	if err := ix.store.ApplyBlocks(ctx, bcs); err != nil {
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

// changes computes what b changes, reading the state through r, without
// writing anything, and tallies the outcome of each action.
func (ix *Indexer) changes(ctx context.Context, r discovery.EntityReader, b discovery.Block, logs []decodedLog, outcomes map[outcome]int) (*discovery.Changes, error) {
	v := newView(r, ix.opts)
	for _, d := range logs {
		if d.ignored {
			continue
		}
		lg, ev, err := d.lg, d.ev, d.err
		if err == nil {
			err = ix.apply(ctx, v, b.BlockRef, ev)
		} else {
			err = &rejection{reason: err.Error()}
		}
		o := outcome{
			entityType: label(ev.EntityType, discovery.EntityUser, discovery.EntityTrack, discovery.EntityPlaylist,
				discovery.EntityDeveloperApp, discovery.EntityGrant, entityPlay),
			action: label(ev.Action, discovery.ActionCreate, discovery.ActionUpdate, discovery.ActionDelete,
				discovery.ActionVerify, discovery.ActionFollow, discovery.ActionUnfollow, discovery.ActionRepost,
				discovery.ActionUnrepost, discovery.ActionSave, discovery.ActionUnsave, discovery.ActionSubscribe,
				discovery.ActionUnsubscribe, discovery.ActionApprove, discovery.ActionReject, actionPlay,
				actionManageIsVerified),
			outcome: "applied",
		}
		var rj *rejection
		if errors.As(err, &rj) {
			v.changes.Rejected = append(v.changes.Rejected, rejected(b.BlockRef, lg, ev, rj.reason))
			ix.logger.Debug("action rejected", "block", b.Number, "tx", lg.TxHash, "log_index", lg.Index, "reason", rj.reason)
			o.outcome = "rejected"
			outcomes[o]++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("index block %d log %d: %w", b.Number, lg.Index, err)
		}
		outcomes[o]++
	}
	return v.finish(), nil
}

// trusted reports whether lg comes from a contract whose events the
// protocol takes: Play logs only from the Plays contract, every other log
// from an EntityManager (any address when none is configured).
func (ix *Indexer) trusted(lg types.Log) bool {
	if len(lg.Topics) > 0 && lg.Topics[0] == PlayTopic {
		return ix.opts.Plays != (common.Address{}) && lg.Address == ix.opts.Plays
	}
	return len(ix.opts.EntityManagers) == 0 || slices.Contains(ix.opts.EntityManagers, lg.Address)
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

// rule is one action's handler.
type rule func(ctx context.Context, v *view, a action) error

// rules maps each entity type and action to its handler.
var rules = map[string]map[string]rule{
	discovery.EntityUser: {
		discovery.ActionCreate:      createUser,
		discovery.ActionUpdate:      updateUser,
		discovery.ActionVerify:      verifyUser,
		discovery.ActionFollow:      follow,
		discovery.ActionUnfollow:    unfollow,
		discovery.ActionSubscribe:   subscribe,
		discovery.ActionUnsubscribe: unsubscribe,
	},
	discovery.EntityTrack: {
		discovery.ActionCreate:   createTrack,
		discovery.ActionUpdate:   updateTrack,
		discovery.ActionDelete:   deleteTrack,
		discovery.ActionRepost:   itemAction(discovery.ItemTrack),
		discovery.ActionUnrepost: itemAction(discovery.ItemTrack),
		discovery.ActionSave:     itemAction(discovery.ItemTrack),
		discovery.ActionUnsave:   itemAction(discovery.ItemTrack),
	},
	discovery.EntityPlaylist: {
		discovery.ActionCreate:   createPlaylist,
		discovery.ActionUpdate:   updatePlaylist,
		discovery.ActionDelete:   deletePlaylist,
		discovery.ActionRepost:   itemAction(discovery.ItemPlaylist),
		discovery.ActionUnrepost: itemAction(discovery.ItemPlaylist),
		discovery.ActionSave:     itemAction(discovery.ItemPlaylist),
		discovery.ActionUnsave:   itemAction(discovery.ItemPlaylist),
	},
	discovery.EntityDeveloperApp: {
		discovery.ActionCreate: createApp,
		discovery.ActionDelete: deleteApp,
	},
	discovery.EntityGrant: {
		discovery.ActionCreate:  createGrant,
		discovery.ActionDelete:  deleteGrant,
		discovery.ActionApprove: approveGrant,
		discovery.ActionReject:  rejectGrant,
	},
}

// apply dispatches an event to the rule for it.
func (ix *Indexer) apply(ctx context.Context, v *view, b discovery.BlockRef, ev event) error {
	a := action{event: ev, block: b}
	switch ev.Topic {
	case ManageIsVerifiedTopic:
		return setVerified(ctx, v, a, ev.IsVerified)
	case PlayTopic:
		return play(ctx, v, a)
	}
	byAction, ok := rules[ev.EntityType]
	if !ok {
		return reject("unknown entity type %q", truncate(ev.EntityType))
	}
	r, ok := byAction[ev.Action]
	if !ok {
		return reject("unknown action %q for entity type %s", truncate(ev.Action), ev.EntityType)
	}
	return r(ctx, v, a)
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
