-- search_deferred_triggers holds the search triggers a backfill from
-- nothing dropped (see internal/sqlite/search_defer.go), with the SQL that
-- creates them again: SQLite cannot disable a trigger. Empty when search
-- documents are kept block by block.

-- +goose Up
CREATE TABLE search_deferred_triggers (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE search_deferred_triggers;
