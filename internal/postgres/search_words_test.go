package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
	"github.com/discovery-node/discovery/internal/pgtest"
)

// TestSearchWordsMatchGo checks that the store's SQL splits and folds text
// as discovery.SearchTokens does (the SQLite store's triggers run that Go
// code), so both stores find the same things. Known differences, in
// compatibility forms only unaccent and NFKD treat apart (superscripts,
// ℌ), are left out of the corpus.
func TestSearchWordsMatchGo(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	mustOpen(t, dsn).Close() // migrated
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	corpus := []string{
		"Beyoncé", "BEYONCE", "Straße", "Æsop Œuvre", "Łódź", "Ørsted", "Ðoing", "Þór", "ﬁsh ﬀ ﬃ", "Việt Nam",
		"Ångström", "naïve café", "Москва Ёлка Йога", "Ελληνικά Άλφα", "日本語 テスト", "DJ_Khaled", "a-b.c",
		"İstanbul", "ÇĞŞ", "Dvořák", "Ħ ŧ ŀ ĸ ŋ ı", "Ａｂｃ", "١٢٣", "🎵 music 🎶", "don't", "it’s", "100% Real",
		"' OR 1=1 --", "", "  ", strings.Repeat("x", 64) + " " + strings.Repeat("y", 65) + " z",
	}
	for _, text := range corpus {
		var sqlWords, sqlQuery []string
		var key string
		err := conn.QueryRow(ctx, `SELECT search_query_words($1), search_user_words($1, ''), search_key($1)`, text).
			Scan(&sqlQuery, &sqlWords, &key)
		if err != nil {
			t.Fatalf("split %q: %v", text, err)
		}
		if want := discovery.SearchTokens(text); !slices.Equal(sqlQuery, want) && !(len(sqlQuery) == 0 && len(want) == 0) {
			t.Errorf("search_query_words(%q) = %q, Go has %q", text, sqlQuery, want)
		}
		slices.Sort(sqlWords)
		if want := discovery.SearchUserWords(text, ""); !slices.Equal(sqlWords, want) && !(len(sqlWords) == 0 && len(want) == 0) {
			t.Errorf("search_user_words(%q) = %q, Go has %q", text, sqlWords, want)
		}
		if want := discovery.SearchHandleKey(text); key != want {
			t.Errorf("search_key(%q) = %q, Go has %q", text, key, want)
		}
	}
}
