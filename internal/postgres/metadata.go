package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/discovery-node/discovery"
)

// The metadata queue is the entities whose metadata_status is 'pending',
// with metadata_attempts recording failed fetches. Attempts are kept per
// entity with the CID they were for: when an update names new metadata,
// the old row is stale and counts for nothing until a failure of the new
// CID replaces it. None of it is chain state: the descriptive fields a
// resolve writes and the status it sets are left out of the digest (see
// discovery.HashRow), and metadata_attempts is neither digested nor undone.

// PendingMetadata returns up to limit entities whose metadata is pending
// and due at now, oldest first (by updated block, then kind, then id).
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
FROM pending p
LEFT JOIN metadata_attempts a ON a.kind = p.kind AND a.entity_id = p.id
WHERE a.kind IS NULL OR a.cid <> p.cid OR a.next_attempt_at <= $2
ORDER BY p.updated_block, p.kind COLLATE "C", p.id
LIMIT $1`
	rows, err := s.pool.Query(ctx, query, limit, now.UnixMilli())
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

// Each resolve is one statement: the update, guarded by the CID and the
// pending status, and the removal of the attempts row only when the
// update took.
const (
	resolveUser = `
WITH r AS (
	UPDATE users SET name = $3, name_lower = $4, bio = $5, location = $6, profile_picture = $7, cover_photo = $8,
		metadata_status = 'resolved'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending'
	RETURNING id
)
DELETE FROM metadata_attempts WHERE kind = 'User' AND entity_id IN (SELECT id FROM r)`
	resolveTrack = `
WITH r AS (
	UPDATE tracks SET title = $3, genre = $4, mood = $5, tags = $6, description = $7, release_date = $8,
		duration = $9, track_cid = $10, cover_art = $11, metadata_status = 'resolved'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending'
	RETURNING id
)
DELETE FROM metadata_attempts WHERE kind = 'Track' AND entity_id IN (SELECT id FROM r)`
	resolvePlaylist = `
WITH r AS (
	UPDATE playlists SET name = $3, description = $4, cover_art = $5, metadata_status = 'resolved'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending'
	RETURNING id
)
DELETE FROM metadata_attempts WHERE kind = 'Playlist' AND entity_id IN (SELECT id FROM r)`
)

// ResolveMetadata writes the fetched descriptive fields and marks the
// entity resolved, if it still names job.CID and is pending; otherwise it
// changes nothing. The fields must be those of the job's kind.
func (s *Store) ResolveMetadata(ctx context.Context, job discovery.MetadataJob, f discovery.MetadataFields) error {
	var (
		query string
		args  []any
	)
	switch {
	case job.Kind == discovery.EntityUser && f.User != nil && f.Track == nil && f.Playlist == nil:
		u := f.User
		query = resolveUser
		args = []any{job.ID, job.CID, u.Name, strings.ToLower(u.Name), u.Bio, u.Location, u.ProfilePicture, u.CoverPhoto}
	case job.Kind == discovery.EntityTrack && f.Track != nil && f.User == nil && f.Playlist == nil:
		t := f.Track
		query = resolveTrack
		args = []any{job.ID, job.CID, t.Title, t.Genre, t.Mood, t.Tags, t.Description, t.ReleaseDate,
			t.Duration, t.TrackCID, t.CoverArt}
	case job.Kind == discovery.EntityPlaylist && f.Playlist != nil && f.User == nil && f.Track == nil:
		p := f.Playlist
		query = resolvePlaylist
		args = []any{job.ID, job.CID, p.Name, p.Description, p.CoverArt}
	default:
		return discovery.Errorf(discovery.EINVALID, "resolve metadata of %s %d: fields do not match the kind", job.Kind, job.ID)
	}
	if _, err := s.pool.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("resolve metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	return nil
}

// metadataSQL holds the statements of one kind of entity's metadata.
type metadataSQL struct {
	// retry and fail record a failed attempt ($3 attempts, $4 next
	// attempt, $5 reason) if the entity $1 still names CID $2 and is
	// pending; fail also marks its metadata failed. The entity row is
	// locked first, so a block rewriting it is waited for and seen.
	retry, fail string
	// attempts reads the attempts row of entity $1 if it is for the
	// entity's current CID.
	attempts string
}

// upsertAttempts ends retry and fail: the row of the entity the CTE e
// found, replacing one for any CID.
const upsertAttempts = `
INSERT INTO metadata_attempts (kind, entity_id, cid, attempts, next_attempt_at, reason)
SELECT e.kind, e.id, $2::text, $3::bigint, $4::bigint, $5::text FROM e
ON CONFLICT (kind, entity_id) DO UPDATE SET
	cid = EXCLUDED.cid, attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at, reason = EXCLUDED.reason`

var metadataByKind = map[string]metadataSQL{
	discovery.EntityUser: {
		retry: `WITH e AS (SELECT 'User' AS kind, id FROM users
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' FOR UPDATE)` + upsertAttempts,
		fail: `WITH e AS (UPDATE users SET metadata_status = 'failed'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' RETURNING 'User' AS kind, id)` + upsertAttempts,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN users e ON e.id = a.entity_id AND e.metadata_cid = a.cid
WHERE a.kind = 'User' AND a.entity_id = $1`,
	},
	discovery.EntityTrack: {
		retry: `WITH e AS (SELECT 'Track' AS kind, id FROM tracks
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' FOR UPDATE)` + upsertAttempts,
		fail: `WITH e AS (UPDATE tracks SET metadata_status = 'failed'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' RETURNING 'Track' AS kind, id)` + upsertAttempts,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN tracks e ON e.id = a.entity_id AND e.metadata_cid = a.cid
WHERE a.kind = 'Track' AND a.entity_id = $1`,
	},
	discovery.EntityPlaylist: {
		retry: `WITH e AS (SELECT 'Playlist' AS kind, id FROM playlists
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' FOR UPDATE)` + upsertAttempts,
		fail: `WITH e AS (UPDATE playlists SET metadata_status = 'failed'
	WHERE id = $1 AND metadata_cid = $2 AND metadata_status = 'pending' RETURNING 'Playlist' AS kind, id)` + upsertAttempts,
		attempts: `SELECT a.attempts, a.reason FROM metadata_attempts a JOIN playlists e ON e.id = a.entity_id AND e.metadata_cid = a.cid
WHERE a.kind = 'Playlist' AND a.entity_id = $1`,
	},
}

// metadataOf returns the statements for kind.
func metadataOf(kind string) (metadataSQL, error) {
	q, ok := metadataByKind[kind]
	if !ok {
		return metadataSQL{}, discovery.Errorf(discovery.EINVALID, "unknown metadata kind %q", kind)
	}
	return q, nil
}

// FailMetadata records a failed attempt at job: attempts job.Attempts+1,
// due again at retryAt, and when permanent, the entity's metadata marked
// failed. It changes nothing if the entity no longer names job.CID or is
// no longer pending.
func (s *Store) FailMetadata(ctx context.Context, job discovery.MetadataJob, reason string, permanent bool, retryAt time.Time) error {
	q, err := metadataOf(job.Kind)
	if err != nil {
		return fmt.Errorf("fail metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	query := q.retry
	if permanent {
		query = q.fail
	}
	if _, err := s.pool.Exec(ctx, query, job.ID, job.CID, job.Attempts+1, retryAt.UnixMilli(), reason); err != nil {
		return fmt.Errorf("fail metadata of %s %d: %w", job.Kind, job.ID, err)
	}
	return nil
}

// MetadataAttempts returns the failed attempts at the entity's current
// metadata CID and the last reason; ok is false when there were none.
func (s *Store) MetadataAttempts(ctx context.Context, kind string, id int64) (int, string, bool, error) {
	q, err := metadataOf(kind)
	if err != nil {
		return 0, "", false, fmt.Errorf("metadata attempts of %s %d: %w", kind, id, err)
	}
	var (
		attempts int
		reason   string
	)
	err = s.pool.QueryRow(ctx, q.attempts, id).Scan(&attempts, &reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("metadata attempts of %s %d: %w", kind, id, err)
	}
	return attempts, reason, true, nil
}
