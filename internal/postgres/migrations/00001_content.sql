-- The content state: indexed blocks (the highest row is the checkpoint), one
-- row per entity holding its full current image, the social edges, and the
-- actions the indexer refused.

-- +goose Up
CREATE TABLE blocks (
    number      BIGINT PRIMARY KEY,
    hash        TEXT   NOT NULL,
    parent_hash TEXT   NOT NULL,
    time        BIGINT NOT NULL
);

CREATE TABLE users (
    id              BIGINT  PRIMARY KEY,
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
    artist_pick_id  BIGINT  NOT NULL,
    is_verified     BOOLEAN NOT NULL,
    is_deactivated  BOOLEAN NOT NULL,
    metadata_cid    TEXT    NOT NULL,
    follower_count  BIGINT  NOT NULL,
    followee_count  BIGINT  NOT NULL,
    track_count     BIGINT  NOT NULL,
    playlist_count  BIGINT  NOT NULL,
    album_count     BIGINT  NOT NULL,
    repost_count    BIGINT  NOT NULL,
    created_block   BIGINT  NOT NULL,
    updated_block   BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    -- Deferred so two users can swap handles within one block.
    CONSTRAINT users_handle_lower_key UNIQUE (handle_lower) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE tracks (
    id            BIGINT  PRIMARY KEY,
    owner_id      BIGINT  NOT NULL,
    title         TEXT    NOT NULL,
    slug          TEXT    NOT NULL,
    genre         TEXT    NOT NULL,
    mood          TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    release_date  TEXT    NOT NULL,
    duration      BIGINT  NOT NULL,
    track_cid     TEXT    NOT NULL,
    cover_art     TEXT    NOT NULL,
    is_unlisted   BOOLEAN NOT NULL,
    is_delete     BOOLEAN NOT NULL,
    metadata_cid  TEXT    NOT NULL,
    repost_count  BIGINT  NOT NULL,
    save_count    BIGINT  NOT NULL,
    play_count    BIGINT  NOT NULL,
    created_block BIGINT  NOT NULL,
    updated_block BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX tracks_owner_idx ON tracks (owner_id, created_block DESC, id DESC);

CREATE TABLE playlists (
    id            BIGINT  PRIMARY KEY,
    owner_id      BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    slug          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    cover_art     TEXT    NOT NULL,
    is_album      BOOLEAN NOT NULL,
    is_private    BOOLEAN NOT NULL,
    is_delete     BOOLEAN NOT NULL,
    tracks        TEXT    NOT NULL, -- JSON array of discovery.PlaylistTrack
    metadata_cid  TEXT    NOT NULL,
    repost_count  BIGINT  NOT NULL,
    save_count    BIGINT  NOT NULL,
    created_block BIGINT  NOT NULL,
    updated_block BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX playlists_owner_idx ON playlists (owner_id, created_block DESC, id DESC);

CREATE TABLE follows (
    follower_id BIGINT NOT NULL,
    followee_id BIGINT NOT NULL,
    block       BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

CREATE TABLE reposts (
    user_id    BIGINT NOT NULL,
    item_type  TEXT   NOT NULL,
    item_id    BIGINT NOT NULL,
    block      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, item_type, item_id)
);
CREATE INDEX reposts_item_idx ON reposts (item_type, item_id, user_id);

CREATE TABLE saves (
    user_id    BIGINT NOT NULL,
    item_type  TEXT   NOT NULL,
    item_id    BIGINT NOT NULL,
    block      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, item_type, item_id)
);
CREATE INDEX saves_item_idx ON saves (item_type, item_id, user_id);

CREATE TABLE rejected_actions (
    block       BIGINT NOT NULL,
    tx_hash     TEXT   NOT NULL,
    log_index   BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    entity_type TEXT   NOT NULL,
    entity_id   BIGINT NOT NULL,
    action      TEXT   NOT NULL,
    signer      TEXT   NOT NULL,
    reason      TEXT   NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
);
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
