-- The content state: indexed blocks (the highest row is the checkpoint), one
-- row per entity holding its full current image, the social edges, and the
-- actions the indexer refused. Same logical schema as the Postgres store;
-- booleans are 0/1 integers and tables are STRICT so a wrong type fails loudly.

-- +goose Up
CREATE TABLE blocks (
    number      INTEGER PRIMARY KEY,
    hash        TEXT    NOT NULL,
    parent_hash TEXT    NOT NULL,
    time        INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    handle          TEXT    NOT NULL,
    -- NULL when the user has no handle, so handle-less users never collide.
    handle_lower    TEXT,
    -- Lowercased by the store (Go's strings.ToLower) so search does not
    -- depend on the database's locale.
    name_lower      TEXT    NOT NULL,
    wallet          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    bio             TEXT    NOT NULL,
    location        TEXT    NOT NULL,
    profile_picture TEXT    NOT NULL,
    cover_photo     TEXT    NOT NULL,
    artist_pick_id  INTEGER NOT NULL,
    is_verified     INTEGER NOT NULL,
    is_deactivated  INTEGER NOT NULL,
    metadata_cid    TEXT    NOT NULL,
    follower_count  INTEGER NOT NULL,
    followee_count  INTEGER NOT NULL,
    track_count     INTEGER NOT NULL,
    playlist_count  INTEGER NOT NULL,
    album_count     INTEGER NOT NULL,
    repost_count    INTEGER NOT NULL,
    created_block   INTEGER NOT NULL,
    updated_block   INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- SQLite checks UNIQUE per row, so ApplyBlock frees a changing handle first.
    CONSTRAINT users_handle_lower_key UNIQUE (handle_lower)
) STRICT;

CREATE TABLE tracks (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    slug          TEXT    NOT NULL,
    genre         TEXT    NOT NULL,
    mood          TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    release_date  TEXT    NOT NULL,
    duration      INTEGER NOT NULL,
    track_cid     TEXT    NOT NULL,
    cover_art     TEXT    NOT NULL,
    is_unlisted   INTEGER NOT NULL,
    is_delete     INTEGER NOT NULL,
    metadata_cid  TEXT    NOT NULL,
    repost_count  INTEGER NOT NULL,
    save_count    INTEGER NOT NULL,
    play_count    INTEGER NOT NULL,
    created_block INTEGER NOT NULL,
    updated_block INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC);

CREATE TABLE playlists (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    slug          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    cover_art     TEXT    NOT NULL,
    is_album      INTEGER NOT NULL,
    is_private    INTEGER NOT NULL,
    is_delete     INTEGER NOT NULL,
    tracks        TEXT    NOT NULL, -- JSON array of discovery.PlaylistTrack
    metadata_cid  TEXT    NOT NULL,
    repost_count  INTEGER NOT NULL,
    save_count    INTEGER NOT NULL,
    created_block INTEGER NOT NULL,
    updated_block INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX playlists_owner_idx ON playlists (owner_id, created_block DESC, id DESC);

CREATE TABLE follows (
    follower_id INTEGER NOT NULL,
    followee_id INTEGER NOT NULL,
    block       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

CREATE TABLE reposts (
    user_id    INTEGER NOT NULL,
    item_type  TEXT    NOT NULL,
    item_id    INTEGER NOT NULL,
    block      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, item_type, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX reposts_item_idx ON reposts (item_type, item_id, user_id);

CREATE TABLE saves (
    user_id    INTEGER NOT NULL,
    item_type  TEXT    NOT NULL,
    item_id    INTEGER NOT NULL,
    block      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, item_type, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX saves_item_idx ON saves (item_type, item_id, user_id);

CREATE TABLE rejected_actions (
    block       INTEGER NOT NULL,
    tx_hash     TEXT    NOT NULL,
    log_index   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    signer      TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX rejected_actions_block_idx ON rejected_actions (block, log_index);

-- +goose Down
DROP TABLE rejected_actions;
DROP TABLE saves;
DROP TABLE reposts;
DROP TABLE follows;
DROP TABLE playlists;
DROP TABLE tracks;
DROP TABLE users;
DROP TABLE blocks;
