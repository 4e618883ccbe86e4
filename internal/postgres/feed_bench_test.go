package postgres

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/discovery-node/discovery"
)

// BenchmarkFeed times the first page of the feed, as the API asks for it
// (20 items), over the database named by $FEED_BENCH_DSN: one that holds
// the API benchmark's data set with this package's migrations applied
// (it is only read, never migrated). "feeders" are the benchmark's feed
// requests, the 200 active users who follow the most (at least 50);
// "light" are 200 users following 50 to 100. Each iteration asks every
// user's feed once, each way: as chosen, and always reading every repost.
// The latencies of single calls are reported as percentiles.
func BenchmarkFeed(b *testing.B) {
	dsn := os.Getenv("FEED_BENCH_DSN")
	if dsn == "" {
		b.Skip("FEED_BENCH_DSN is not set")
	}
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	generic, err := genericPool(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer generic.Close()
	s := &Store{pool: pool, generic: generic}
	for _, set := range []struct{ name, query string }{
		{"feeders", `SELECT id FROM users WHERE NOT is_deactivated AND followee_count >= 50
			ORDER BY followee_count DESC, id LIMIT 200`},
		{"light", `SELECT id FROM users WHERE NOT is_deactivated AND followee_count BETWEEN 50 AND 100
			ORDER BY id LIMIT 200`},
	} {
		users, err := queryIDs(ctx, pool, set.query)
		if err != nil {
			b.Fatal(err)
		}
		for _, way := range []struct {
			name  string
			costs feedCosts
		}{{"chosen", feedCostsChosen}, {"read", feedCostsRead}} {
			b.Run(set.name+"/"+way.name, func(b *testing.B) {
				var took []time.Duration
				paths := map[feedPath]int{}
				for b.Loop() {
					for _, id := range users {
						start := time.Now()
						_, plan, err := s.feed(ctx, discovery.FeedQuery{UserID: id, Originals: true, Reposts: true},
							discovery.Page{Limit: 20}, way.costs)
						if err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(start))
						paths[plan.reposts]++
					}
				}
				slices.Sort(took)
				at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
				b.ReportMetric(at(0.5), "p50-ms")
				b.ReportMetric(at(0.99), "p99-ms")
				b.ReportMetric(at(1), "max-ms")
				b.ReportMetric(float64(paths[feedWalked])/float64(len(took)), "walked")
				b.ReportMetric(float64(paths[feedFellBack])/float64(len(took)), "fellback")
			})
		}
	}
}

func queryIDs(ctx context.Context, pool *pgxpool.Pool, query string) ([]int64, error) {
	rows, err := pool.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("users to time: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("users to time: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
