package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
	"github.com/discovery-node/discovery/internal/postgres"
	"github.com/discovery-node/discovery/internal/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestSameDigestOnBothStores applies the same blocks to a SQLite and a
// Postgres store: two honest nodes at the same head must agree on the
// digest whichever store they use.
func TestSameDigestOnBothStores(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "discovery.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	stores := []struct {
		name string
		s    discovery.Store
	}{{"sqlite", lite}, {"postgres", pg}}

	agree := func(what string, want discovery.Digest) {
		t.Helper()
		for _, st := range stores {
			if d := checkDigests(t, st.s); d != want {
				t.Errorf("%s: %s digest %v, want %v", what, st.name, d, want)
			}
		}
	}
	ch, m := newChain(1), newModel()
	var blocks []discovery.BlockRef
	var digests []discovery.Digest
	for _, step := range scenario {
		b := ch.block()
		for _, st := range stores {
			mustApply(t, st.s, b, step(t, b))
		}
		m.apply(step(t, b))
		want := m.digest(t)
		agree("after block "+b.Hash.Hex()[:10], want)
		blocks, digests = append(blocks, b), append(digests, want)
	}
	for i := len(blocks) - 1; i >= 1; i-- {
		for _, st := range stores {
			mustRevert(t, st.s, blocks[i])
		}
		agree("after reverting block "+blocks[i].Hash.Hex()[:10], digests[i-1])
	}
}
