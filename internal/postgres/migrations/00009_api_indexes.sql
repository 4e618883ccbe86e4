-- Indexes for the API's busiest lists (see internal/apibench and
-- BENCHMARKS.md):
--
-- users_follower_count_idx: lists of users are ordered by follower count;
-- for a user followed by much of the index, walking users in that order and
-- probing each one's follow finds a page long before reading every follower.
--
-- reposts_user_block_idx and tracks_owner_idx are rebuilt covering: the
-- feed reads every repost of each followed user, and the newest tracks of
-- each, from the index alone instead of one heap page per row.
--
-- search_docs_handle_idx: a one-word user search ranks first the user whose
-- handle the word spells, looked up here rather than among every match.
--
-- search_vocab_typo_idx: the typo candidates of a query word are words of
-- the same first letter and about the same length; by word alone, those
-- of a first letter are all read (15,000 for "m" among 100,000 users'
-- handles and names) to keep the few dozen of the right length.
--
-- search_docs gets no parallel workers: a one-word search plans a tier it
-- will not read (the exact matches filled the page) as a parallel scan, and
-- starting the workers alone costs milliseconds; under concurrent load
-- there are no idle cores for them anyway.

-- +goose Up
CREATE INDEX users_follower_count_idx ON users (follower_count DESC, id);
CREATE INDEX search_docs_handle_idx ON search_docs (handle) WHERE kind = 1;
CREATE INDEX search_vocab_typo_idx ON search_vocab (kind, left(word, 1), length(word), word);
ALTER TABLE search_docs SET (parallel_workers = 0);

DROP INDEX reposts_user_block_idx;
CREATE INDEX reposts_user_block_idx ON reposts (user_id, block DESC, item_type DESC, item_id DESC) INCLUDE (created_at);

DROP INDEX tracks_owner_idx;
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC)
    INCLUDE (created_at, is_delete, is_unlisted, stem_of);

-- +goose Down
DROP INDEX tracks_owner_idx;
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC);
DROP INDEX reposts_user_block_idx;
CREATE INDEX reposts_user_block_idx ON reposts (user_id, block DESC);
ALTER TABLE search_docs RESET (parallel_workers);
DROP INDEX search_vocab_typo_idx;
DROP INDEX search_docs_handle_idx;
DROP INDEX users_follower_count_idx;
