package postgres

import (
	"context"
	"testing"

	"github.com/discovery-node/discovery/internal/pgtest"
)

// TestGenericPool checks the split search_generic.go relies on: the
// connections that run the tiered and typo statements plan generically,
// and the others keep PostgreSQL's own choice, which the general search
// statement needs.
func TestGenericPool(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name, want string
		query      func(context.Context, string) (string, error)
	}{
		{"generic", "force_generic_plan", func(ctx context.Context, q string) (v string, err error) {
			return v, s.generic.QueryRow(ctx, q).Scan(&v)
		}},
		{"main", "auto", func(ctx context.Context, q string) (v string, err error) {
			return v, s.pool.QueryRow(ctx, q).Scan(&v)
		}},
	} {
		got, err := tc.query(ctx, "SHOW plan_cache_mode")
		if err != nil {
			t.Fatalf("%s pool: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s pool: plan_cache_mode %q, want %q", tc.name, got, tc.want)
		}
	}
}
