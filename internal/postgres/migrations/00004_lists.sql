-- Indexes for the API's lists: a user's reposts and saved tracks, newest
-- first, are read from an index instead of sorting all of the user's rows.

-- +goose Up
CREATE INDEX reposts_user_block_idx ON reposts (user_id, block DESC);
CREATE INDEX saves_user_block_idx ON saves (user_id, item_type, block DESC);

-- +goose Down
DROP INDEX saves_user_block_idx;
DROP INDEX reposts_user_block_idx;
