-- Indexes for the API's busiest lists (see internal/apibench and
-- BENCHMARKS.md); 00007 and 00008 exist only for PostgreSQL, the numbers
-- are kept in step with its migrations.
--
-- tracks_owner_idx and playlists_owner_idx are rebuilt covering: the feed
-- picks the newest listed creations of each followed user from the index
-- alone, checking the listing flags there instead of one table row per
-- creation it skips. SQLite has no INCLUDE, so the columns join the key
-- after the order the feed walks. The reposts need none: the table is
-- WITHOUT ROWID, its key (user_id, ...) already holds every column.

-- +goose Up
DROP INDEX tracks_owner_idx;
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC, is_delete, is_unlisted, stem_of);
DROP INDEX playlists_owner_idx;
CREATE INDEX playlists_owner_idx ON playlists (owner_id, created_block DESC, id DESC, is_delete, is_private);

-- +goose Down
DROP INDEX playlists_owner_idx;
CREATE INDEX playlists_owner_idx ON playlists (owner_id, created_block DESC, id DESC);
DROP INDEX tracks_owner_idx;
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC);
