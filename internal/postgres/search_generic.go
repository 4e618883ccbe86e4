package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgreSQL plans a prepared statement again for every call (a custom
// plan) while it judges that knowing the arguments may pay, and the search
// statements convinced it: their LIMITs and match conditions are
// arguments. Yet the tiered and typo statements choose their plan in Go
// (walk or match, by the vocabulary's counts) and their indexes are fixed
// by the SQL, so a plan made without the arguments is the same plan. On
// the API benchmark's data set, planning was about 40% of their time in
// PostgreSQL (0.4 ms of the tier counts' 1 ms; 0.9 ms of a tier
// statement's 2.2 ms, seen with log_min_duration_statement, which splits
// bind from execute), and over 200 of the benchmark's searches generic
// plans cut their statements' total time by about a quarter.
//
// The feed's statement (feed.go) is the same kind: its path (walk or read
// every repost, recent creations or each followee's) is chosen inside the
// statement by one-time filters, and planning was 1.7 of its 2.7 ms for a
// user following few.
//
// plan_cache_mode is a connection setting, so those statements run on a
// pool of their own whose connections force generic plans. Everything
// else keeps PostgreSQL's choice: the general search statement, with a
// sort or a filter, is one whose plan does depend on its arguments (a
// generic plan made sort_method=popular 55 times slower).

// genericPool is a pool like cfg's whose connections plan every prepared
// statement once, with no regard to its arguments.
func genericPool(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	gc := cfg.Copy()
	gc.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	pool, err := pgxpool.NewWithConfig(ctx, gc)
	if err != nil {
		return nil, fmt.Errorf("open postgres: generic-plan pool: %w", err)
	}
	return pool, nil
}
