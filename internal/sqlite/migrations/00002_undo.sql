-- Revert and digest: each block keeps the state digest as of that block, and
-- until the block is final, its undo image (the prior image of every row it
-- changed) so a reorganisation can undo it exactly.

-- +goose Up
-- NULL only on blocks indexed before digests were kept; Open fills in the
-- head's from the tables.
ALTER TABLE blocks ADD COLUMN state_digest BLOB;

CREATE TABLE undo (
    block INTEGER PRIMARY KEY,
    data  BLOB    NOT NULL -- JSON, see undoImage in undo.go
) STRICT;

-- +goose Down
DROP TABLE undo;
ALTER TABLE blocks DROP COLUMN state_digest;
