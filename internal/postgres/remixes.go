package postgres

import (
	"github.com/jackc/pgx/v5"
)

// track_remixes holds one row per (parent, remix) pair of tracks.remix_of,
// so a track's remixes are found by index rather than by scanning every
// track's list. It is derived, not chain state: whenever the store writes
// track images, applying a block or reverting one, it rewrites the pairs
// of exactly those tracks from the rows just written. Pairs naming a
// removed track as the remix go with it; pairs naming it as the parent
// stay, as the remix's list still names it.

// remixesOf builds the two statements that rewrite the pairs of the tracks
// whose ids the subquery ids selects: drop the old pairs, derive the new
// from the rows as they now are. Two statements, not one: within a single
// statement the insert would not see the delete's effect.
func remixesOf(ids string) (drop, derive string) {
	drop = `DELETE FROM track_remixes WHERE child_id IN (` + ids + `)`
	derive = `INSERT INTO track_remixes (parent_id, child_id)
SELECT p.id::bigint, t.id FROM tracks t CROSS JOIN LATERAL jsonb_array_elements_text(t.remix_of::jsonb) AS p(id)
WHERE t.id IN (` + ids + `)
ON CONFLICT DO NOTHING`
	return drop, derive
}

// The statements for the tracks a block writes, given as an id array.
var dropRemixes, deriveRemixes = remixesOf(`SELECT unnest($1::bigint[])`)

// The statements for the tracks an undo image of block $1 writes back or
// deletes (see undoImage).
var dropUndoRemixes, deriveUndoRemixes = remixesOf(`
	SELECT (e->>'id')::bigint FROM undo, jsonb_array_elements(undo.data->'tracks') AS e WHERE undo.block = $1
	UNION ALL
	SELECT jsonb_array_elements_text(undo.data->'no_tracks')::bigint FROM undo WHERE undo.block = $1`)

// queueRemixes queues the rewrite of the remix pairs of the given tracks,
// after the statements that write or delete them.
func queueRemixes(batch *pgx.Batch, ids []int64) {
	if len(ids) == 0 {
		return
	}
	batch.Queue(dropRemixes, ids)
	batch.Queue(deriveRemixes, ids)
}
