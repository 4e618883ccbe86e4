-- The rest of the content protocol: where entities' descriptive fields came
-- from (inline, or fetched by CID), remix and stem parents, reposts and
-- saves of reposts, subscriptions, permalinks, developer apps and grants,
-- plays by day; and, outside the chain-derived state, the queue of metadata
-- fetches.

-- +goose Up
ALTER TABLE users ADD COLUMN metadata_status TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks
    ADD COLUMN remix_of        TEXT   NOT NULL DEFAULT '[]', -- JSON array of parent track ids, in the order given
    ADD COLUMN stem_of         BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN metadata_status TEXT   NOT NULL DEFAULT '';
ALTER TABLE playlists ADD COLUMN metadata_status TEXT NOT NULL DEFAULT '';
ALTER TABLE reposts ADD COLUMN of_repost BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE saves ADD COLUMN of_repost BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX tracks_stem_of_idx ON tracks (stem_of) WHERE stem_of <> 0;

-- The metadata worker's queue is the entities still pending, oldest first.
CREATE INDEX users_metadata_pending_idx ON users (updated_block, id) WHERE metadata_status = 'pending';
CREATE INDEX tracks_metadata_pending_idx ON tracks (updated_block, id) WHERE metadata_status = 'pending';
CREATE INDEX playlists_metadata_pending_idx ON playlists (updated_block, id) WHERE metadata_status = 'pending';

-- Remix edges, derived from tracks.remix_of by the store whenever it writes
-- a track image (applying or reverting a block), so a track's remixes can
-- be listed by index. Derived, so neither in undo images nor in the digest.
CREATE TABLE track_remixes (
    parent_id BIGINT NOT NULL,
    child_id  BIGINT NOT NULL,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX track_remixes_child_idx ON track_remixes (child_id);

-- subscriber_id gets notified of user_id's new releases.
CREATE TABLE subscriptions (
    subscriber_id BIGINT NOT NULL,
    user_id       BIGINT NOT NULL,
    block         BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (subscriber_id, user_id)
);
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, subscriber_id);

-- Permalinks: kind is 'track' or 'playlist' (albums share the playlists'
-- namespace).
CREATE TABLE routes (
    owner_id   BIGINT  NOT NULL,
    kind       TEXT    NOT NULL,
    slug       TEXT    NOT NULL,
    entity_id  BIGINT  NOT NULL,
    is_current BOOLEAN NOT NULL,
    block      BIGINT  NOT NULL,
    PRIMARY KEY (owner_id, kind, slug)
);
CREATE INDEX routes_entity_idx ON routes (kind, entity_id);

CREATE TABLE developer_apps (
    address       TEXT    PRIMARY KEY, -- lowercase 0x hex
    user_id       BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    is_delete     BOOLEAN NOT NULL,
    created_block BIGINT  NOT NULL,
    updated_block BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX developer_apps_user_idx ON developer_apps (user_id);

CREATE TABLE grants (
    user_id         BIGINT  NOT NULL,
    grantee_address TEXT    NOT NULL, -- lowercase 0x hex
    is_approved     BOOLEAN NOT NULL,
    is_revoked      BOOLEAN NOT NULL,
    created_block   BIGINT  NOT NULL,
    updated_block   BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (user_id, grantee_address)
);
CREATE INDEX grants_grantee_idx ON grants (grantee_address);

-- day is unix seconds / 86400 of the block that recorded the plays.
CREATE TABLE play_days (
    track_id BIGINT NOT NULL,
    day      BIGINT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (track_id, day)
);

-- Failed fetches of metadata named by CID. Not chain state: outside the
-- digest and untouched by reverts. A row whose cid is not the entity's
-- current metadata_cid is stale and counts for nothing.
CREATE TABLE metadata_attempts (
    kind            TEXT   NOT NULL, -- 'User', 'Track' or 'Playlist'
    entity_id       BIGINT NOT NULL,
    cid             TEXT   NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL, -- unix milliseconds
    reason          TEXT   NOT NULL,
    PRIMARY KEY (kind, entity_id)
);

-- +goose Down
DROP TABLE metadata_attempts;
DROP TABLE play_days;
DROP TABLE grants;
DROP TABLE developer_apps;
DROP TABLE routes;
DROP TABLE subscriptions;
DROP TABLE track_remixes;
DROP INDEX playlists_metadata_pending_idx;
DROP INDEX tracks_metadata_pending_idx;
DROP INDEX users_metadata_pending_idx;
DROP INDEX tracks_stem_of_idx;
ALTER TABLE saves DROP COLUMN of_repost;
ALTER TABLE reposts DROP COLUMN of_repost;
ALTER TABLE playlists DROP COLUMN metadata_status;
ALTER TABLE tracks DROP COLUMN metadata_status, DROP COLUMN stem_of, DROP COLUMN remix_of;
ALTER TABLE users DROP COLUMN metadata_status;
