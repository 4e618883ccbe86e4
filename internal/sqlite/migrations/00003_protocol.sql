-- The rest of the content protocol: where each entity's metadata came from,
-- remix and stem parents, reposts and saves of reposts, subscriptions,
-- permalinks, developer apps and grants, and plays per day. Same logical
-- schema as the Postgres store. Also the queue of metadata still to fetch
-- (metadata_attempts), which is not chain state: it is neither in the state
-- digest nor rewound by a revert.

-- +goose Up
ALTER TABLE users ADD COLUMN metadata_status TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN remix_of TEXT NOT NULL DEFAULT '[]'; -- JSON array of parent track ids, in the order given
ALTER TABLE tracks ADD COLUMN stem_of INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tracks ADD COLUMN metadata_status TEXT NOT NULL DEFAULT '';
ALTER TABLE playlists ADD COLUMN metadata_status TEXT NOT NULL DEFAULT '';
ALTER TABLE reposts ADD COLUMN of_repost INTEGER NOT NULL DEFAULT 0;
ALTER TABLE saves ADD COLUMN of_repost INTEGER NOT NULL DEFAULT 0;

CREATE INDEX tracks_stem_of_idx ON tracks (stem_of) WHERE stem_of <> 0;

-- The remix edges of tracks.remix_of, so a parent's remixes are found by
-- index. Kept by the store: rewritten for every track image it writes.
CREATE TABLE track_remixes (
    parent_id INTEGER NOT NULL,
    child_id  INTEGER NOT NULL,
    PRIMARY KEY (parent_id, child_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX track_remixes_child_idx ON track_remixes (child_id, parent_id);

CREATE TABLE subscriptions (
    subscriber_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    block         INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (subscriber_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, subscriber_id);

CREATE TABLE routes (
    owner_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    slug       TEXT    NOT NULL,
    entity_id  INTEGER NOT NULL,
    is_current INTEGER NOT NULL,
    block      INTEGER NOT NULL,
    PRIMARY KEY (owner_id, kind, slug)
) STRICT, WITHOUT ROWID;
CREATE INDEX routes_entity_idx ON routes (kind, entity_id);

CREATE TABLE developer_apps (
    address       TEXT    PRIMARY KEY, -- lowercase 0x hex
    user_id       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    is_delete     INTEGER NOT NULL,
    created_block INTEGER NOT NULL,
    updated_block INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX developer_apps_user_idx ON developer_apps (user_id);

CREATE TABLE grants (
    user_id         INTEGER NOT NULL,
    grantee_address TEXT    NOT NULL, -- lowercase 0x hex
    is_approved     INTEGER NOT NULL,
    is_revoked      INTEGER NOT NULL,
    created_block   INTEGER NOT NULL,
    updated_block   INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, grantee_address)
) STRICT, WITHOUT ROWID;
CREATE INDEX grants_grantee_idx ON grants (grantee_address);

CREATE TABLE play_days (
    track_id INTEGER NOT NULL,
    day      INTEGER NOT NULL, -- unix seconds / 86400 of the block
    count    INTEGER NOT NULL,
    PRIMARY KEY (track_id, day)
) STRICT, WITHOUT ROWID;

-- Failed fetches of the metadata an entity names by CID. A row for another
-- CID than the entity's current one is stale and counts for nothing.
CREATE TABLE metadata_attempts (
    kind            TEXT    NOT NULL, -- User, Track or Playlist
    entity_id       INTEGER NOT NULL,
    cid             TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL, -- unix milliseconds
    reason          TEXT    NOT NULL,
    PRIMARY KEY (kind, entity_id)
) STRICT, WITHOUT ROWID;

-- The metadata queue scans only pending entities, oldest first.
CREATE INDEX users_metadata_pending_idx ON users (updated_block, id) WHERE metadata_status = 'pending';
CREATE INDEX tracks_metadata_pending_idx ON tracks (updated_block, id) WHERE metadata_status = 'pending';
CREATE INDEX playlists_metadata_pending_idx ON playlists (updated_block, id) WHERE metadata_status = 'pending';

-- +goose Down
DROP INDEX playlists_metadata_pending_idx;
DROP INDEX tracks_metadata_pending_idx;
DROP INDEX users_metadata_pending_idx;
DROP TABLE metadata_attempts;
DROP TABLE play_days;
DROP TABLE grants;
DROP TABLE developer_apps;
DROP TABLE routes;
DROP TABLE subscriptions;
DROP TABLE track_remixes;
DROP INDEX tracks_stem_of_idx;
ALTER TABLE saves DROP COLUMN of_repost;
ALTER TABLE reposts DROP COLUMN of_repost;
ALTER TABLE playlists DROP COLUMN metadata_status;
ALTER TABLE tracks DROP COLUMN metadata_status;
ALTER TABLE tracks DROP COLUMN stem_of;
ALTER TABLE tracks DROP COLUMN remix_of;
ALTER TABLE users DROP COLUMN metadata_status;
