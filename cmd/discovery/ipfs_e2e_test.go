package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/api/hashid"
	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/discovery-node/discovery/internal/devchain"
	"github.com/discovery-node/discovery/internal/gethtest"
	"github.com/discovery-node/discovery/internal/ipfstest"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
)

// TestRunFetchesMetadataFromIPFS seeds a real geth node, then updates a
// track and a user with metadata named by a bare CID that a real kubo node
// holds. A node run with --ipfs on kubo's RPC API fills the fields in; a
// node without --ipfs agrees with it on the state digest; a node whose only
// gateway serves bytes that do not match the CID marks the metadata failed
// and says why; a node whose gateways answer 404 or hang keeps it pending.
func TestRunFetchesMetadataFromIPFS(t *testing.T) {
	ipfs := ipfstest.Start(t)
	node := gethtest.Start(t, time.Second)
	key := node.FundedKey(t)
	ctx := context.Background()
	client := ethclient.NewClient(node.RPC)
	chainID, err := client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := devchain.DeployAll(ctx, client, key, chainID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := devchain.Seed(ctx, client, chainID, d, key)
	if err != nil {
		t.Fatal(err)
	}

	const trackID, userID = 1, 1
	track := map[string]any{"title": "Polar Night (IPFS Edition)", "genre": "Ambient", "description": "Fetched from IPFS and verified.",
		"remix_of": map[string]any{"tracks": []map[string]any{{"parent_track_id": 4}}}} // only inline metadata may set lineage
	user := map[string]any{"name": "Aurora, from IPFS", "bio": "Fields that arrived by CID.", "handle": "not_aurora"} // nor a handle
	trackCID, userCID := ipfs.Add(t, mustJSON(t, track), 1), ipfs.Add(t, mustJSON(t, user), 1)
	sendAction(t, client, key, chainID, d.EntityManager, devchain.UserKey(userID),
		contracts.Action{UserID: userID, EntityType: discovery.EntityTrack, EntityID: trackID, Action: discovery.ActionUpdate, Metadata: trackCID})
	last := sendAction(t, client, key, chainID, d.EntityManager, devchain.UserKey(userID),
		contracts.Action{UserID: userID, EntityType: discovery.EntityUser, EntityID: userID, Action: discovery.ActionUpdate, Metadata: userCID})

	mismatch := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"title": "Not what the CID names"}`))
	}))
	t.Cleanup(mismatch.Close)
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	stopHanging := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stopHanging:
		}
	}))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(stopHanging) }) // runs first, so Close does not wait on a hanging request

	args := append([]string{"run", "--rpc", node.URL, "--from-block", strconv.FormatUint(d.Block, 10), "--listen", "127.0.0.1:0"}, demoFlags(res)...)
	dsnFetched, dsnFailed, dsnPending := pgtest.DSN(t), pgtest.DSN(t), pgtest.DSN(t)
	fetched := start(t, nil, append(args, "--db", dsnFetched, "--ipfs", ipfs.API+"/api/v0")...)
	plain := start(t, nil, append(args, "--db", "sqlite:"+filepath.Join(t.TempDir(), "plain.db"))...)
	failed := start(t, nil, append(args, "--db", dsnFailed, "--ipfs", mismatch.URL)...)
	pending := start(t, nil, append(args, "--db", dsnPending, "--ipfs", missing.URL+","+hanging.URL, "--ipfs-timeout", "300ms")...)
	for _, p := range []*proc{fetched, plain, failed, pending} {
		waitIndexed(t, p, last)
	}

	t.Run("kubo RPC resolves", func(t *testing.T) {
		s := openPostgres(t, dsnFetched)
		eventually(t, "metadata resolved", func() bool {
			tr, u := readTrack(t, s, trackID), readUser(t, s, userID)
			return tr.MetadataStatus == discovery.MetadataResolved && u.MetadataStatus == discovery.MetadataResolved
		})
		tr, u := readTrack(t, s, trackID), readUser(t, s, userID)
		if tr.Title != track["title"] || tr.Genre != track["genre"] || tr.Description != track["description"] || len(tr.RemixOf) != 0 || tr.MetadataCID != trackCID {
			t.Errorf("track %d = %+v, want the fetched fields of %v without its remix_of, cid %s", trackID, tr, track, trackCID)
		}
		if u.Name != user["name"] || u.Bio != user["bio"] || u.Handle != res.Users[0].Handle || u.MetadataCID != userCID {
			t.Errorf("user %d = %+v, want the fetched fields of %v with its handle unchanged, cid %s", userID, u, user, userCID)
		}
		var got struct{ Data apiTrack }
		if code := fetched.get(t, "/v1/tracks/"+hashid.Encode(trackID), &got); code != 200 || got.Data.Title != track["title"] {
			t.Errorf("GET track %d: status %d, title %q, want %q", trackID, code, got.Data.Title, track["title"])
		}
		// The worker reports on the node's own /metrics.
		if m := scrape(t, fetched.base+"/metrics"); !hasPositive(m, `discovery_metadata_jobs_total{outcome="resolved"}`) {
			t.Error("/metrics does not count the resolved metadata jobs")
		}

		// The digest leaves fetched fields out, so a node that never
		// fetched them agrees at the same block.
		var a, b healthDigest
		eventually(t, "both nodes at one block", func() bool {
			fetched.get(t, "/health_check", &a)
			plain.get(t, "/health_check", &b)
			return a.Data.DB.Number == b.Data.DB.Number
		})
		if a.Data.StateDigest == "" || a.Data.StateDigest != b.Data.StateDigest {
			t.Errorf("at block %d the node with --ipfs has digest %s, the node without %s", a.Data.DB.Number, a.Data.StateDigest, b.Data.StateDigest)
		}
	})

	t.Run("a gateway serving other bytes fails it", func(t *testing.T) {
		s := openPostgres(t, dsnFailed)
		eventually(t, "metadata failed", func() bool {
			return readTrack(t, s, trackID).MetadataStatus == discovery.MetadataFailed && readUser(t, s, userID).MetadataStatus == discovery.MetadataFailed
		})
		for _, e := range []struct {
			kind string
			id   int64
		}{{discovery.EntityTrack, trackID}, {discovery.EntityUser, userID}} {
			n, reason, ok, err := s.MetadataAttempts(ctx, e.kind, e.id)
			if err != nil || !ok || n < 1 || !strings.Contains(reason, "does not match") {
				t.Errorf("%s %d: %d attempts, reason %q (ok %v, err %v); want the mismatch named", e.kind, e.id, n, reason, ok, err)
			}
		}
		if tr := readTrack(t, s, trackID); tr.Title == track["title"] {
			t.Errorf("track %d took the title %q from bytes that did not verify", trackID, tr.Title)
		}
	})

	t.Run("gateways that 404 or hang leave it pending", func(t *testing.T) {
		s := openPostgres(t, dsnPending)
		var n int
		var reason string
		eventually(t, "a failed attempt", func() bool {
			var ok bool
			var err error
			n, reason, ok, err = s.MetadataAttempts(ctx, discovery.EntityTrack, trackID)
			if err != nil {
				t.Fatal(err)
			}
			return ok && n >= 1
		})
		if !strings.Contains(reason, "404") || !strings.Contains(reason, "unavailable") {
			t.Errorf("reason %q names neither the 404 nor the hanging source", reason)
		}
		if tr := readTrack(t, s, trackID); tr.MetadataStatus != discovery.MetadataPending {
			t.Errorf("after %d failed attempts the track's metadata is %q, want pending", n, tr.MetadataStatus)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sendAction signs a as userKey, relays it from relayer and returns the
// block it was mined in.
func sendAction(t *testing.T, client *ethclient.Client, relayer *ecdsa.PrivateKey, chainID *big.Int, contract common.Address, userKey *ecdsa.PrivateKey, a contracts.Action) uint64 {
	t.Helper()
	if _, err := rand.Read(a.Nonce[:]); err != nil {
		t.Fatal(err)
	}
	sig, err := contracts.SignAction(userKey, chainID, contract, a)
	if err != nil {
		t.Fatal(err)
	}
	data, err := contracts.PackManageEntity(a, sig)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := bind.Transact(contracts.NewEntityManager().Instance(client, contract), bind.NewKeyedTransactor(relayer, chainID), data)
	if err != nil {
		t.Fatalf("relaying %s %s: %v", a.EntityType, a.Action, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	receipt, err := bind.WaitMined(ctx, client, tx.Hash())
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("relaying %s %s: receipt %+v, %v", a.EntityType, a.Action, receipt, err)
	}
	return receipt.BlockNumber.Uint64()
}

func openPostgres(t *testing.T, dsn string) discovery.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func readTrack(t *testing.T, s discovery.Store, id int64) *discovery.Track {
	t.Helper()
	tr, ok, err := s.Track(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("track %d: found %v, %v", id, ok, err)
	}
	return tr
}

func readUser(t *testing.T, s discovery.Store, id int64) *discovery.User {
	t.Helper()
	u, ok, err := s.User(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("user %d: found %v, %v", id, ok, err)
	}
	return u
}
