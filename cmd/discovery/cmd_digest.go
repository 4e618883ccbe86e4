package main

import (
	"context"
	"fmt"
	"io"
)

// runDigest prints the state digest of an index: the one kept block by block
// and one recomputed from every row. Operators compare the first across
// nodes (two honest nodes at the same block agree) and the two against each
// other (a difference means the tables were changed outside indexing).
func runDigest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("digest", getenv, stderr)
	var db string
	f.string(&db, "db", "DISCOVERY_DB", "", "store: postgres://user@host/db or sqlite:PATH")
	if err := f.parse(args); err != nil {
		return err
	}
	if db == "" {
		return fmt.Errorf("--db is required: postgres://user@host/db or sqlite:PATH")
	}
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	head, ok, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if !ok {
		return fmt.Errorf("%s has indexed no block yet", redact(db))
	}
	kept, err := store.StateDigest(ctx)
	if err != nil {
		return fmt.Errorf("read state digest: %w", err)
	}
	computed, err := store.ComputeDigest(ctx)
	if err != nil {
		return fmt.Errorf("recompute state digest: %w", err)
	}
	fmt.Fprintf(stdout, "block %d %s\nstate_digest %s\nrecomputed   %s\n", head.Number, head.Hash.Hex(), kept, computed)
	if kept != computed {
		return fmt.Errorf("the tables do not match the digest kept while indexing: the index was changed outside indexing or is corrupt; reindex it")
	}
	return nil
}
