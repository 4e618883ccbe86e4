package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/discovery-node/discovery"
)

// PendingMetadata lists pending entities whose next attempt is due at now:
// those never attempted, those whose attempts were for another CID (stale,
// so they count as none), and those whose retry time has come. Oldest
// first: by updated block, then kind, then id.
func (s *Store) PendingMetadata(ctx context.Context, limit int, now time.Time) ([]discovery.MetadataJob, error) {
	if limit <= 0 {
		return nil, nil
	}
	const query = `
WITH pending (kind, id, cid, updated_block) AS (
	SELECT 'User', id, metadata_cid, updated_block FROM users WHERE metadata_status = 'pending'
	UNION ALL
	SELECT 'Track', id, metadata_cid, updated_block FROM tracks WHERE metadata_status = 'pending'
	UNION ALL
	SELECT 'Playlist', id, metadata_cid, updated_block FROM playlists WHERE metadata_status = 'pending'
)
SELECT p.kind, p.id, p.cid, CASE WHEN a.cid = p.cid THEN a.attempts ELSE 0 END
FROM pending p LEFT JOIN metadata_attempts a ON a.kind = p.kind AND a.entity_id = p.id
WHERE a.kind IS NULL OR a.cid <> p.cid OR a.next_attempt_at <= ?
ORDER BY p.updated_block, p.kind, p.id
LIMIT ?`
	rows, err := s.r.QueryContext(ctx, query, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("pending metadata: %w", err)
	}
	defer rows.Close()
	var out []discovery.MetadataJob
	for rows.Next() {
		var j discovery.MetadataJob
		if err := rows.Scan(&j.Kind, &j.ID, &j.CID, &j.Attempts); err != nil {
			return nil, fmt.Errorf("pending metadata: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending metadata: %w", err)
	}
	return out, nil
}

// metadataSQL holds the statements of the metadata queue for one entity
// table. Each one touches the entity only while it names the job's CID and
// is pending, so a job overtaken by a newer action changes nothing.
type metadataSQL struct {
	// resolve sets the descriptive fields and marks the metadata resolved;
	// its arguments are resolveArgs' followed by id and CID.
	resolve string
	// pending selects 1 when the entity (id, CID) is pending.
	pending string
	// fail marks the metadata of the entity (id, CID) failed.
	fail string
	// attempts reads the attempts row of the entity (id) when it is for
	// the entity's current CID.
	attempts string
}

var metadataStatements = map[string]metadataSQL{
	discovery.EntityUser: {
		resolve: `UPDATE users SET name = ?, name_lower = ?, bio = ?, location = ?, profile_picture = ?, cover_photo = ?,
	metadata_status = 'resolved'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		pending: `SELECT 1 FROM users WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		fail: `UPDATE users SET metadata_status = 'failed'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN users e ON e.metadata_cid = a.cid
WHERE a.kind = 'User' AND a.entity_id = ? AND e.id = a.entity_id`,
	},
	discovery.EntityTrack: {
		resolve: `UPDATE tracks SET title = ?, genre = ?, mood = ?, tags = ?, description = ?, release_date = ?,
	duration = ?, track_cid = ?, cover_art = ?, metadata_status = 'resolved'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		pending: `SELECT 1 FROM tracks WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		fail: `UPDATE tracks SET metadata_status = 'failed'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN tracks e ON e.metadata_cid = a.cid
WHERE a.kind = 'Track' AND a.entity_id = ? AND e.id = a.entity_id`,
	},
	discovery.EntityPlaylist: {
		resolve: `UPDATE playlists SET name = ?, description = ?, cover_art = ?, metadata_status = 'resolved'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		pending: `SELECT 1 FROM playlists WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		fail: `UPDATE playlists SET metadata_status = 'failed'
WHERE id = ? AND metadata_cid = ? AND metadata_status = 'pending'`,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN playlists e ON e.metadata_cid = a.cid
WHERE a.kind = 'Playlist' AND a.entity_id = ? AND e.id = a.entity_id`,
	},
}

// statementsFor returns the statements of an entity kind.
func statementsFor(kind string) (metadataSQL, error) {
	q, ok := metadataStatements[kind]
	if !ok {
		return metadataSQL{}, discovery.Errorf(discovery.EINVALID, "entity type %q has no metadata", kind)
	}
	return q, nil
}

// resolveArgs returns the values of the descriptive columns that the
// kind's resolve statement sets. Exactly the kind's fields must be set:
// anything else is a caller's mistake, refused rather than half applied.
func resolveArgs(kind string, f discovery.MetadataFields) ([]any, error) {
	switch {
	case kind == discovery.EntityUser && f.User != nil && f.Track == nil && f.Playlist == nil:
		u := f.User
		return []any{u.Name, strings.ToLower(u.Name), u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto}, nil
	case kind == discovery.EntityTrack && f.Track != nil && f.User == nil && f.Playlist == nil:
		t := f.Track
		return []any{t.Title, t.Genre, t.Mood, t.Tags, t.Description, t.ReleaseDate, t.Duration, t.TrackCID, t.CoverArt}, nil
	case kind == discovery.EntityPlaylist && f.Playlist != nil && f.User == nil && f.Track == nil:
		p := f.Playlist
		return []any{p.Name, p.Description, p.CoverArt}, nil
	}
	return nil, discovery.Errorf(discovery.EINVALID, "fields do not match the kind %q", kind)
}

// ResolveMetadata sets the entity's descriptive fields and marks them
// resolved, and forgets its failed attempts, in one transaction; an entity
// that no longer names job.CID or is not pending is left alone. The state
// digest does not move: it leaves out the fields of CID-named metadata.
func (s *Store) ResolveMetadata(ctx context.Context, job discovery.MetadataJob, f discovery.MetadataFields) error {
	q, err := statementsFor(job.Kind)
	if err != nil {
		return fmt.Errorf("resolve metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	args, err := resolveArgs(job.Kind, f)
	if err != nil {
		return fmt.Errorf("resolve metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q.resolve, append(args, job.ID, job.CID)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		const forget = `DELETE FROM metadata_attempts WHERE kind = ? AND entity_id = ?`
		_, err = tx.ExecContext(ctx, forget, job.Kind, job.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("resolve metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	return nil
}

// FailMetadata records a failed attempt for the entity's current CID, due
// again at retryAt, and when permanent marks the metadata failed; an entity
// that no longer names job.CID or is not pending is left alone.
func (s *Store) FailMetadata(ctx context.Context, job discovery.MetadataJob, reason string, permanent bool, retryAt time.Time) error {
	q, err := statementsFor(job.Kind)
	if err != nil {
		return fmt.Errorf("fail metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, q.pending, job.ID, job.CID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		const record = `
INSERT INTO metadata_attempts (kind, entity_id, cid, attempts, next_attempt_at, reason) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (kind, entity_id) DO UPDATE SET
	cid = excluded.cid, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
	reason = excluded.reason`
		if _, err := tx.ExecContext(ctx, record, job.Kind, job.ID, job.CID, job.Attempts+1, retryAt.UnixMilli(), reason); err != nil {
			return err
		}
		if permanent {
			_, err = tx.ExecContext(ctx, q.fail, job.ID, job.CID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("fail metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	return nil
}

// MetadataAttempts returns the failed attempts recorded for the entity's
// current metadata CID; attempts for a CID it no longer names do not
// count.
func (s *Store) MetadataAttempts(ctx context.Context, kind string, id int64) (int, string, bool, error) {
	q, err := statementsFor(kind)
	if err != nil {
		return 0, "", false, fmt.Errorf("metadata attempts of %s %d: %w", kind, id, err)
	}
	var (
		attempts int
		reason   string
	)
	err = s.r.QueryRowContext(ctx, q.attempts, id).Scan(&attempts, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("metadata attempts of %s %d: %w", kind, id, err)
	}
	return attempts, reason, true, nil
}

// inTx runs fn in a transaction on the writer connection and commits it
// when fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
