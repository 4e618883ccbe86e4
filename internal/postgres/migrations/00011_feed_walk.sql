-- The feed of a user who follows many (internal/postgres/feed_walk.go,
-- feed_created.go) reads what everyone did lately rather than what each
-- followed user did.
--
-- reposts_block_idx: the walk, all reposts in the feed's order, covering
-- what it keeps.
--
-- reposts_item_idx is rebuilt including the block: for each repost the
-- walk keeps it asks whether a followed user reposted the item earlier,
-- and from the index alone that is a few entries rather than a heap page
-- each (the heaviest feed of the API benchmark checks 181 reposts, about
-- 4,000 entries). Its key is unchanged, so its other uses keep their
-- plans, and it costs no write it did not before.
--
-- tracks_created_idx, playlists_created_idx: the creations since the
-- head's last first repost, newest first, covering what the feed keeps.

-- +goose Up
CREATE INDEX reposts_block_idx ON reposts (block DESC, item_type DESC, item_id DESC) INCLUDE (user_id, created_at);
DROP INDEX reposts_item_idx;
CREATE INDEX reposts_item_idx ON reposts (item_type, item_id, user_id) INCLUDE (block);
CREATE INDEX tracks_created_idx ON tracks (created_block DESC, id DESC)
    INCLUDE (owner_id, created_at, is_delete, is_unlisted, stem_of);
CREATE INDEX playlists_created_idx ON playlists (created_block DESC, id DESC)
    INCLUDE (owner_id, created_at, is_delete, is_private);

-- +goose Down
DROP INDEX playlists_created_idx;
DROP INDEX tracks_created_idx;
DROP INDEX reposts_item_idx;
CREATE INDEX reposts_item_idx ON reposts (item_type, item_id, user_id);
DROP INDEX reposts_block_idx;
