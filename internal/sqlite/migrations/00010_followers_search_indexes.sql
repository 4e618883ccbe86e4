-- Indexes for the API's followers lists and one-word searches (see
-- internal/sqlite/lists_followers.go and search_tiers.go), as Postgres's
-- migration 00009 adds its own:
--
-- users_follower_count_idx: a user followed by much of the index finds a
-- page of followers, most followed first, by walking users in that order
-- and probing each one's follow, long before reading every follower.
--
-- search_docs_handle_idx: a one-word user search ranks first the users
-- whose handle the word spells, looked up here rather than among every
-- user with the word.

-- +goose Up
CREATE INDEX users_follower_count_idx ON users (follower_count DESC, id);
CREATE INDEX search_docs_handle_idx ON search_docs (handle) WHERE kind = 1;

-- +goose Down
DROP INDEX search_docs_handle_idx;
DROP INDEX users_follower_count_idx;
