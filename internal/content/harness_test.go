package content_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// forEachStore runs f once per store implementation, each on a fresh
// database.
func forEachStore(t *testing.T, f func(t *testing.T, s discovery.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "discovery.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := postgres.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f(t, s)
	})
}

// harness drives an Indexer block by block with hand-built ManageEntity logs.
type harness struct {
	t     *testing.T
	ctx   context.Context
	store discovery.Store
	ix    *content.Indexer
	head  discovery.BlockRef
	txn   int
	// applied is every block indexed, in order, for replaying elsewhere.
	applied []discovery.Block
}

func newHarness(t *testing.T, s discovery.Store) *harness {
	t.Helper()
	return newHarnessWith(t, s, content.Options{})
}

func newHarnessWith(t *testing.T, s discovery.Store, opts content.Options) *harness {
	t.Helper()
	ix, err := content.New(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, ctx: context.Background(), store: s, ix: ix}
}

// act is one ManageEntity event, as the contract would emit it.
type act struct {
	user   int64
	signer common.Address
	entity string
	id     int64
	action string
	meta   string
}

// eventArgs are ManageEntity's non-indexed arguments, for packing log data.
func eventArgs(t *testing.T) abi.Arguments {
	t.Helper()
	var args abi.Arguments
	for _, s := range []string{"uint256", "address", "string", "uint256", "string", "string"} {
		typ, err := abi.NewType(s, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, abi.Argument{Type: typ})
	}
	return args
}

func (h *harness) log(a act) types.Log {
	h.t.Helper()
	data, err := eventArgs(h.t).Pack(big.NewInt(a.user), a.signer, a.entity, big.NewInt(a.id), a.meta, a.action)
	if err != nil {
		h.t.Fatal(err)
	}
	h.txn++
	return types.Log{Topics: []common.Hash{content.ManageEntityTopic}, Data: data, TxHash: common.BigToHash(big.NewInt(int64(h.txn)))}
}

// packLog builds a log of one of the other events from its argument types
// and values.
func (h *harness) packLog(from common.Address, topic common.Hash, types_ []string, vals ...any) types.Log {
	h.t.Helper()
	var args abi.Arguments
	for _, s := range types_ {
		typ, err := abi.NewType(s, "", nil)
		if err != nil {
			h.t.Fatal(err)
		}
		args = append(args, abi.Argument{Type: typ})
	}
	data, err := args.Pack(vals...)
	if err != nil {
		h.t.Fatal(err)
	}
	return types.Log{Address: from, Topics: []common.Hash{topic}, Data: data}
}

// playLog is a Play(track, user, timestamp) log emitted by from.
func (h *harness) playLog(from common.Address, track, user int64) types.Log {
	return h.packLog(from, content.PlayTopic, []string{"uint256", "uint256", "uint256"},
		big.NewInt(track), big.NewInt(user), big.NewInt(1_700_000_000))
}

// verifiedLog is a ManageIsVerified(user, verified) log emitted by from.
func (h *harness) verifiedLog(from common.Address, user int64, verified bool) types.Log {
	return h.packLog(from, content.ManageIsVerifiedTopic, []string{"uint256", "bool"}, big.NewInt(user), verified)
}

// apply indexes one block holding the given logs.
func (h *harness) applyLogs(logs ...types.Log) {
	h.t.Helper()
	n := h.head.Number + 1
	b := discovery.Block{BlockRef: discovery.BlockRef{
		Number: n, Hash: crypto.Keccak256Hash([]byte(fmt.Sprint("block", n))),
		ParentHash: h.head.Hash, Time: 1_700_000_000 + n,
	}}
	for i, lg := range logs {
		lg.BlockNumber, lg.BlockHash, lg.Index = n, b.Hash, uint(i)
		if lg.TxHash == (common.Hash{}) {
			h.txn++
			lg.TxHash = common.BigToHash(big.NewInt(int64(h.txn)))
		}
		b.Logs = append(b.Logs, lg)
	}
	if err := h.ix.Apply(h.ctx, b); err != nil {
		h.t.Fatalf("apply block %d: %v", n, err)
	}
	h.head = b.BlockRef
	h.applied = append(h.applied, b)
}

func (h *harness) apply(acts ...act) {
	h.t.Helper()
	logs := make([]types.Log, len(acts))
	for i, a := range acts {
		logs[i] = h.log(a)
	}
	h.applyLogs(logs...)
}

func (h *harness) user(id int64) *discovery.User {
	h.t.Helper()
	u, ok, err := h.store.User(h.ctx, id)
	if err != nil || !ok {
		h.t.Fatalf("user %d: ok=%v err=%v", id, ok, err)
	}
	return u
}

func (h *harness) track(id int64) *discovery.Track {
	h.t.Helper()
	tr, ok, err := h.store.Track(h.ctx, id)
	if err != nil || !ok {
		h.t.Fatalf("track %d: ok=%v err=%v", id, ok, err)
	}
	return tr
}

func (h *harness) playlist(id int64) *discovery.Playlist {
	h.t.Helper()
	p, ok, err := h.store.Playlist(h.ctx, id)
	if err != nil || !ok {
		h.t.Fatalf("playlist %d: ok=%v err=%v", id, ok, err)
	}
	return p
}

// rejections returns the reasons recorded for the newest block.
func (h *harness) rejections() []string {
	h.t.Helper()
	rs, err := h.store.RejectedActions(h.ctx, discovery.Page{Limit: 100})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		if r.Block == h.head.Number {
			out = append(out, r.Reason)
		}
	}
	return out
}

// meta builds inline metadata {"cid": ..., "data": data}.
func meta(data map[string]any) string {
	b, err := json.Marshal(map[string]any{"cid": "bafkreitest", "data": data})
	if err != nil {
		return "unencodable: " + err.Error() // fails the action, and so the test
	}
	return string(b)
}

// wallet returns a distinct, stable address per name.
func wallet(name string) common.Address {
	return common.BytesToAddress(crypto.Keccak256([]byte(strings.ToLower(name))))
}

func createUser(id int64, handle string) act {
	return act{user: id, signer: wallet(handle), entity: "User", id: id, action: "Create",
		meta: meta(map[string]any{"handle": handle, "name": "Name of " + handle, "bio": "bio", "location": "Earth"})}
}

func createTrack(owner int64, ownerHandle string, id int64, title string) act {
	return act{user: owner, signer: wallet(ownerHandle), entity: "Track", id: id, action: "Create",
		meta: meta(map[string]any{"title": title, "genre": "Electronic", "mood": "Upbeat", "duration": 180, "track_cid": "bafytrack"})}
}

func social(user int64, handle, entity string, id int64, action string) act {
	return act{user: user, signer: wallet(handle), entity: entity, id: id, action: action}
}
