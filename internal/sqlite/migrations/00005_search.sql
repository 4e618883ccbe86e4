-- Search: a derived word index of every visible user, track and playlist,
-- with the same logic as the Postgres store's. It is not chain state:
-- triggers on users, tracks and playlists rewrite the documents of exactly
-- the rows written, in the same transaction, whoever wrote them (a block, a
-- revert, a metadata resolve), so the index always equals what the entity
-- rows say. It is left out of the state digest and of undo images.
--
-- The functions search_words (the distinct words of a text, plus a handle's
-- words run together, as a JSON array), search_key (a handle's words run
-- together) and search_fold are discovery.SearchTextWords, SearchHandleKey
-- and SearchFold, registered with the driver by package sqlite: another
-- program writing users, tracks or playlists must register them too.
--
-- search_docs has one row per visible entity with what the ranking and the
-- filters read; search_words one row per word of a document (its words
-- column, as a JSON array, says which); search_vocab how many documents of
-- each kind have each word: the candidates for typo matching, looked up by
-- first letter and by tail (the word without its first letter). Triggers
-- keep each table in step with the one before it.

-- +goose Up
-- kind: 1 user, 2 track, 3 playlist.
CREATE TABLE search_docs (
    kind       INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    owner_id   INTEGER NOT NULL, -- a user's own id
    words      TEXT    NOT NULL,
    handle     TEXT    NOT NULL, -- users: the handle's words run together
    verified   INTEGER NOT NULL,
    genre      TEXT    NOT NULL, -- folded
    mood       TEXT    NOT NULL, -- folded
    popularity INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_docs_popular_idx ON search_docs (kind, popularity DESC, id);
CREATE INDEX search_docs_recent_idx ON search_docs (kind, created_at DESC, id DESC);
CREATE INDEX search_docs_owner_idx ON search_docs (kind, owner_id, genre);

CREATE TABLE search_words (
    kind INTEGER NOT NULL,
    word TEXT    NOT NULL,
    id   INTEGER NOT NULL,
    PRIMARY KEY (kind, word, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_words_doc_idx ON search_words (kind, id);

CREATE TABLE search_vocab (
    kind INTEGER NOT NULL,
    word TEXT    NOT NULL,
    tail TEXT    NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, word)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_vocab_tail_idx ON search_vocab (kind, tail);

-- +goose StatementBegin
CREATE TRIGGER search_docs_added AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_words (kind, word, id) SELECT NEW.kind, value, NEW.id FROM json_each(NEW.words);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_removed AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_words WHERE kind = OLD.kind AND id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_words_added AFTER INSERT ON search_words BEGIN
    INSERT INTO search_vocab (kind, word, tail, n) VALUES (NEW.kind, NEW.word, substr(NEW.word, 2), 1)
    ON CONFLICT (kind, word) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_words_removed AFTER DELETE ON search_words BEGIN
    UPDATE search_vocab SET n = n - 1 WHERE kind = OLD.kind AND word = OLD.word;
    DELETE FROM search_vocab WHERE kind = OLD.kind AND word = OLD.word AND n <= 0;
END;
-- +goose StatementEnd

-- The documents of a user, of a track, of a playlist, from the rows as they
-- are: the views say what a visible row's document is.
CREATE VIEW search_user_docs AS
SELECT 1 AS kind, u.id, u.id AS owner_id, search_words(u.handle || ' ' || u.name, u.handle) AS words,
    search_key(u.handle) AS handle, u.is_verified AS verified, '' AS genre, '' AS mood,
    u.follower_count AS popularity, u.created_at
FROM users u WHERE NOT u.is_deactivated;

CREATE VIEW search_track_docs AS
SELECT 2 AS kind, t.id, t.owner_id, search_words(t.title, '') AS words, '' AS handle, 0 AS verified,
    search_fold(t.genre) AS genre, search_fold(t.mood) AS mood,
    t.repost_count + t.save_count + t.play_count AS popularity, t.created_at
FROM tracks t JOIN users u ON u.id = t.owner_id
WHERE NOT t.is_delete AND NOT t.is_unlisted AND NOT u.is_deactivated;

CREATE VIEW search_playlist_docs AS
SELECT 3 AS kind, p.id, p.owner_id, search_words(p.name, '') AS words, '' AS handle, 0 AS verified,
    '' AS genre, '' AS mood, p.repost_count + p.save_count AS popularity, p.created_at
FROM playlists p JOIN users u ON u.id = p.owner_id
WHERE NOT p.is_delete AND NOT p.is_private AND NOT p.is_album AND NOT u.is_deactivated;

-- Users. Their content is visible only while they are active, so a change
-- of is_deactivated (or the row coming or going) rewrites it too.
-- +goose StatementBegin
CREATE TRIGGER search_users_inserted AFTER INSERT ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_user_docs WHERE id = NEW.id;
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_users_reworded AFTER UPDATE ON users
WHEN NEW.handle IS NOT OLD.handle OR NEW.name IS NOT OLD.name OR NEW.is_deactivated IS NOT OLD.is_deactivated BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_user_docs WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_users_activated AFTER UPDATE ON users
WHEN NEW.is_deactivated IS NOT OLD.is_deactivated BEGIN
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE owner_id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE owner_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_users_ranked AFTER UPDATE ON users
WHEN NEW.is_verified IS NOT OLD.is_verified OR NEW.follower_count IS NOT OLD.follower_count
    OR NEW.created_at IS NOT OLD.created_at BEGIN
    UPDATE search_docs SET verified = NEW.is_verified, popularity = NEW.follower_count, created_at = NEW.created_at
    WHERE kind = 1 AND id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_users_deleted AFTER DELETE ON users BEGIN
    DELETE FROM search_docs WHERE kind = 1 AND id = OLD.id;
    DELETE FROM search_docs WHERE kind IN (2, 3) AND owner_id = OLD.id;
END;
-- +goose StatementEnd

-- Tracks.
-- +goose StatementBegin
CREATE TRIGGER search_tracks_inserted AFTER INSERT ON tracks BEGIN
    DELETE FROM search_docs WHERE kind = 2 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_tracks_reworded AFTER UPDATE ON tracks
WHEN NEW.title IS NOT OLD.title OR NEW.owner_id IS NOT OLD.owner_id OR NEW.is_delete IS NOT OLD.is_delete
    OR NEW.is_unlisted IS NOT OLD.is_unlisted BEGIN
    DELETE FROM search_docs WHERE kind = 2 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_track_docs WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_tracks_ranked AFTER UPDATE ON tracks
WHEN NEW.genre IS NOT OLD.genre OR NEW.mood IS NOT OLD.mood OR NEW.repost_count IS NOT OLD.repost_count
    OR NEW.save_count IS NOT OLD.save_count OR NEW.play_count IS NOT OLD.play_count
    OR NEW.created_at IS NOT OLD.created_at BEGIN
    UPDATE search_docs SET genre = search_fold(NEW.genre), mood = search_fold(NEW.mood),
        popularity = NEW.repost_count + NEW.save_count + NEW.play_count, created_at = NEW.created_at
    WHERE kind = 2 AND id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_tracks_deleted AFTER DELETE ON tracks BEGIN
    DELETE FROM search_docs WHERE kind = 2 AND id = OLD.id;
END;
-- +goose StatementEnd

-- Playlists.
-- +goose StatementBegin
CREATE TRIGGER search_playlists_inserted AFTER INSERT ON playlists BEGIN
    DELETE FROM search_docs WHERE kind = 3 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_playlists_reworded AFTER UPDATE ON playlists
WHEN NEW.name IS NOT OLD.name OR NEW.owner_id IS NOT OLD.owner_id OR NEW.is_delete IS NOT OLD.is_delete
    OR NEW.is_private IS NOT OLD.is_private OR NEW.is_album IS NOT OLD.is_album BEGIN
    DELETE FROM search_docs WHERE kind = 3 AND id = NEW.id;
    INSERT INTO search_docs SELECT * FROM search_playlist_docs WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_playlists_ranked AFTER UPDATE ON playlists
WHEN NEW.repost_count IS NOT OLD.repost_count OR NEW.save_count IS NOT OLD.save_count
    OR NEW.created_at IS NOT OLD.created_at BEGIN
    UPDATE search_docs SET popularity = NEW.repost_count + NEW.save_count, created_at = NEW.created_at
    WHERE kind = 3 AND id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_playlists_deleted AFTER DELETE ON playlists BEGIN
    DELETE FROM search_docs WHERE kind = 3 AND id = OLD.id;
END;
-- +goose StatementEnd

-- Index what is already there.
INSERT INTO search_docs SELECT * FROM search_user_docs;
INSERT INTO search_docs SELECT * FROM search_track_docs;
INSERT INTO search_docs SELECT * FROM search_playlist_docs;

-- +goose Down
DROP TRIGGER search_playlists_deleted;
DROP TRIGGER search_playlists_ranked;
DROP TRIGGER search_playlists_reworded;
DROP TRIGGER search_playlists_inserted;
DROP TRIGGER search_tracks_deleted;
DROP TRIGGER search_tracks_ranked;
DROP TRIGGER search_tracks_reworded;
DROP TRIGGER search_tracks_inserted;
DROP TRIGGER search_users_deleted;
DROP TRIGGER search_users_ranked;
DROP TRIGGER search_users_activated;
DROP TRIGGER search_users_reworded;
DROP TRIGGER search_users_inserted;
DROP VIEW search_playlist_docs;
DROP VIEW search_track_docs;
DROP VIEW search_user_docs;
DROP TABLE search_vocab;
DROP TABLE search_words;
DROP TABLE search_docs;
