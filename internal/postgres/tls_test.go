package postgres

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestPlainOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		dsn     string
		wantTLS bool
	}{
		{"postgres://postgres@127.0.0.1:5432/db", false},
		{"postgres://postgres@localhost/db", false},
		{"postgres://postgres@[::1]:5432/db", false},
		{"host=/var/run/postgresql dbname=db", false},
		{"postgres://postgres@127.0.0.1:5432/db?sslmode=require", true},
		{"postgres://postgres@db.example.com/db", true},
	} {
		cfg, err := pgxpool.ParseConfig(tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(tc.dsn, "sslmode") && loopback(cfg.ConnConfig.Host) {
			plainOnLoopback(cfg.ConnConfig)
		}
		if got := cfg.ConnConfig.TLSConfig != nil; got != tc.wantTLS {
			t.Errorf("%s: TLS %v, want %v", tc.dsn, got, tc.wantTLS)
		}
		for _, fb := range cfg.ConnConfig.Fallbacks {
			if !tc.wantTLS && fb.TLSConfig != nil {
				t.Errorf("%s: a fallback still uses TLS", tc.dsn)
			}
		}
	}
}
