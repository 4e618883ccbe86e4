package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// The indexer reads every row a run of blocks names one by one
// (ReadRows), several per event. Through sql.DB.QueryRowContext each read
// parsed and planned its statement again: on a 1M-event synthetic
// backfill SQLite's prepare was a sixth of the process's CPU (21 to 30 µs
// of 128 to 185 µs per event, growing with the rows each event reads).
// The point reads run prepared statements instead, kept per query string;
// database/sql prepares each on a reader connection the first time it
// runs there and keeps it for that connection. A statement stays valid
// across schema changes: SQLite prepares it again when the schema it was
// planned on has changed.

// pointReads holds the reader pool's prepared point reads.
type pointReads struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	closed bool
}

// readRow runs query, one of the store's point reads (a constant), with
// args on the reader pool through its prepared statement.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.points.stmt(ctx, s.r, query)
	if err != nil {
		// The same call unprepared fails the same way (or the pool is
		// closed), and its Row carries the error to Scan.
		return s.r.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (p *pointReads) stmt(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("store closed")
	}
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	return st, nil
}

// close closes the prepared statements; it is safe to call more than once.
func (p *pointReads) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, st := range p.stmts {
		errs = append(errs, st.Close())
	}
	p.stmts, p.closed = nil, true
	return errors.Join(errs...)
}
