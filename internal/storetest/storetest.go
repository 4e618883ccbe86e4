// Package storetest is the behaviour every discovery.Store must have, as one
// suite that the Postgres and SQLite stores both run, so the two cannot
// drift apart and the indexer and API can rely on either.
package storetest

import (
	"testing"

	"github.com/discovery-node/discovery"
)

// Run checks a Store implementation. open must return a new, empty store
// for the test and close it when the test ends; subtests run in parallel,
// each with its own store.
func Run(t *testing.T, open func(t *testing.T) discovery.Store) {
	t.Helper()
	suites := [][]testCase{blockTests, batchTests, readTests, edgeTests, queryTests, searchTests, bulkTests, revertTests, digestTests,
		protocolTests, metadataTests, trendingTests, listTests}
	for _, suite := range suites {
		for _, tc := range suite {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.run(t, open(t))
			})
		}
	}
}

// RunRestart checks that the state, the checkpoint above all, survives
// closing and reopening the store. newDB makes a new, empty database for
// the test and returns a function that opens a store on it; the suite
// calls that function more than once and closes each store it opens.
func RunRestart(t *testing.T, newDB func(t *testing.T) (open func(t *testing.T) discovery.Store)) {
	t.Helper()
	t.Run("state survives reopening", func(t *testing.T) {
		t.Parallel()
		testRestart(t, newDB(t))
	})
}

// testCase is one behaviour, checked on a fresh store.
type testCase struct {
	name string
	run  func(t *testing.T, s discovery.Store)
}
