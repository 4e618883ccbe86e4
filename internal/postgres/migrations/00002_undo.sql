-- Revert and digest: each block keeps the state digest as of that block, and
-- until the block is final, its undo image (the prior image of every row it
-- changed) so a reorganisation can undo it exactly.

-- +goose Up
-- NULL only on blocks indexed before digests were kept; Open fills in the
-- head's from the tables.
ALTER TABLE blocks ADD COLUMN state_digest BYTEA;

CREATE TABLE undo (
    block BIGINT PRIMARY KEY,
    data  JSONB  NOT NULL -- see undoImage in undo.go
);

-- +goose Down
DROP TABLE undo;
ALTER TABLE blocks DROP COLUMN state_digest;
