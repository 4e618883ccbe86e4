-- Search: a derived word index of every visible user, track and playlist.
-- It is not chain state: triggers on users, tracks and playlists rewrite the
-- documents of exactly the rows a statement wrote, in the statement's
-- transaction, whoever wrote them (a block, a revert from its undo image, a
-- metadata resolve), so the index always equals what the entity rows say.
-- It is left out of the state digest and of undo images.
--
-- search_docs has one row per visible entity: its words (folded, as
-- search_words says), those words as a tsvector for the GIN index, and what
-- the ranking and the filters read, so a search never joins the entities.
-- search_vocab counts the documents of each kind that have each word: the
-- candidates for typo matching, looked up by first letter (word, in byte
-- order), by tail (the word without its first letter) and by trigram.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- kind: 1 user, 2 track, 3 playlist.
CREATE TABLE search_docs (
    kind       SMALLINT NOT NULL,
    id         BIGINT   NOT NULL,
    owner_id   BIGINT   NOT NULL, -- a user's own id
    words      TEXT[]   NOT NULL,
    doc        TSVECTOR NOT NULL,
    handle     TEXT     NOT NULL, -- users: the handle's words run together
    verified   BOOLEAN  NOT NULL,
    genre      TEXT     NOT NULL, -- folded
    mood       TEXT     NOT NULL, -- folded
    popularity BIGINT   NOT NULL,
    created_at BIGINT   NOT NULL,
    PRIMARY KEY (kind, id)
);
-- One GIN index per kind, so a search reads only its kind's postings.
CREATE INDEX search_docs_users_idx ON search_docs USING gin (doc) WHERE kind = 1;
CREATE INDEX search_docs_tracks_idx ON search_docs USING gin (doc) WHERE kind = 2;
CREATE INDEX search_docs_playlists_idx ON search_docs USING gin (doc) WHERE kind = 3;
CREATE INDEX search_docs_popular_idx ON search_docs (kind, popularity DESC, id);
CREATE INDEX search_docs_recent_idx ON search_docs (kind, created_at DESC, id DESC);
CREATE INDEX search_docs_owner_idx ON search_docs (kind, owner_id, genre);

CREATE TABLE search_vocab (
    kind SMALLINT NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    tail TEXT COLLATE "C" NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (kind, word)
);
CREATE INDEX search_vocab_tail_idx ON search_vocab (kind, tail);
CREATE INDEX search_vocab_trgm_idx ON search_vocab USING gin (word gin_trgm_ops);

-- search_norm is discovery.SearchFold in SQL: accents and ligatures off
-- (unaccent), then lower case by Unicode rules whatever the database's
-- locale. search_split splits folded text into its words, in order: runs of
-- letters and digits (by ICU's rules, again whatever the locale), those
-- longer than 64 characters left out. search_words and search_key are
-- discovery.SearchTextWords and SearchHandleKey, search_user_words
-- SearchUserWords. They have no search_path of their own, so the planner
-- inlines them into the statements of the triggers, which run with the
-- search_path unaccent was found on; sessions call search_fold and
-- search_query_words, which carry it.
-- +goose StatementBegin
CREATE FUNCTION search_norm(t TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT lower(unaccent('unaccent'::regdictionary, t) COLLATE "und-x-icu") $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_split(f TEXT) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT array_remove(regexp_split_to_array(
    regexp_replace(f COLLATE "und-x-icu", '[[:alnum:]]{65,}', ' ', 'g'), '[^[:alnum:]]+'), '') $$;
-- +goose StatementEnd

-- Distinct words, through a tsvector, which sorts and deduplicates them.
-- +goose StatementBegin
CREATE FUNCTION search_words(t TEXT) RETURNS TEXT[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT tsvector_to_array(array_to_tsvector(search_split(search_norm(t)))) $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_key(handle TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT array_to_string(search_split(search_norm(handle)), '') $$;
-- +goose StatementEnd

-- The handle run together is one more word, unless it is too long: the
-- key is letters and digits only, so splitting it keeps it or drops it.
-- +goose StatementBegin
CREATE FUNCTION search_user_words(handle TEXT, name TEXT) RETURNS TEXT[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT tsvector_to_array(array_to_tsvector(
    search_split(search_norm(handle || ' ' || name)) || search_split(search_key(handle)))) $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_fold(t TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE SET search_path FROM CURRENT
AS $$ SELECT search_norm(t) $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_query_words(q TEXT) RETURNS TEXT[]
LANGUAGE sql STABLE PARALLEL SAFE SET search_path FROM CURRENT
AS $$ SELECT search_split(search_norm(q)) $$;
-- +goose StatementEnd

-- search_drop removes the documents of kind k and ids, and their words'
-- counts.
-- +goose StatementBegin
CREATE FUNCTION search_drop(k SMALLINT, ids BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
DECLARE gone TEXT[];
BEGIN
    WITH d AS (DELETE FROM search_docs WHERE kind = k AND id = ANY(ids) RETURNING words)
    SELECT array_agg(w) INTO gone FROM d, unnest(d.words) AS w;
    IF gone IS NULL THEN
        RETURN;
    END IF;
    UPDATE search_vocab v SET n = v.n - c.n
    FROM (SELECT w, count(*) AS n FROM unnest(gone) AS w GROUP BY w) c
    WHERE v.kind = k AND v.word = c.w;
    DELETE FROM search_vocab WHERE kind = k AND word = ANY(gone) AND n <= 0;
END
$$;
-- +goose StatementEnd

-- search_count adds the words of the documents of kind k and ids to the
-- counts.
-- +goose StatementBegin
CREATE FUNCTION search_count(k SMALLINT, ids BIGINT[]) RETURNS void
LANGUAGE sql SET search_path FROM CURRENT
AS $$
INSERT INTO search_vocab (kind, word, tail, n)
SELECT k, w, substr(w, 2), count(*) FROM search_docs d, unnest(d.words) AS w
WHERE d.kind = k AND d.id = ANY(ids)
GROUP BY w
ON CONFLICT (kind, word) DO UPDATE SET n = search_vocab.n + EXCLUDED.n
$$;
-- +goose StatementEnd

-- search_users, search_tracks and search_playlists rewrite the documents of
-- the given ids from the rows as they now are: a row that is gone or not
-- visible has none.
-- +goose StatementBegin
CREATE FUNCTION search_users(ids BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM search_drop(1::smallint, ids);
    INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
    SELECT 1, u.id, u.id, w.words, array_to_tsvector(w.words), search_key(u.handle),
        u.is_verified, '', '', u.follower_count, u.created_at
    FROM users u CROSS JOIN LATERAL (SELECT search_user_words(u.handle, u.name) AS words) w
    WHERE u.id = ANY(ids) AND NOT u.is_deactivated;
    PERFORM search_count(1::smallint, ids);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_tracks(ids BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM search_drop(2::smallint, ids);
    INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
    SELECT 2, t.id, t.owner_id, w.words, array_to_tsvector(w.words), '', false,
        search_norm(t.genre), search_norm(t.mood), t.repost_count + t.save_count + t.play_count, t.created_at
    FROM tracks t JOIN users u ON u.id = t.owner_id
    CROSS JOIN LATERAL (SELECT search_words(t.title) AS words) w
    WHERE t.id = ANY(ids) AND NOT t.is_delete AND NOT t.is_unlisted AND NOT u.is_deactivated;
    PERFORM search_count(2::smallint, ids);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_playlists(ids BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM search_drop(3::smallint, ids);
    INSERT INTO search_docs (kind, id, owner_id, words, doc, handle, verified, genre, mood, popularity, created_at)
    SELECT 3, p.id, p.owner_id, w.words, array_to_tsvector(w.words), '', false, '', '',
        p.repost_count + p.save_count, p.created_at
    FROM playlists p JOIN users u ON u.id = p.owner_id
    CROSS JOIN LATERAL (SELECT search_words(p.name) AS words) w
    WHERE p.id = ANY(ids) AND NOT p.is_delete AND NOT p.is_private AND NOT p.is_album AND NOT u.is_deactivated;
    PERFORM search_count(3::smallint, ids);
END
$$;
-- +goose StatementEnd

-- search_owned rewrites the documents of the content of the given users,
-- whose visibility follows its owner's.
-- +goose StatementBegin
CREATE FUNCTION search_owned(owners BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF cardinality(owners) = 0 THEN
        RETURN;
    END IF;
    PERFORM search_tracks(ARRAY(SELECT id FROM tracks WHERE owner_id = ANY(owners)));
    PERFORM search_playlists(ARRAY(SELECT id FROM playlists WHERE owner_id = ANY(owners)));
END
$$;
-- +goose StatementEnd

-- The triggers: one per table and event, each given the rows its statement
-- wrote (transition tables), so a block's thousand rows cost a few
-- statements. An update rewrites the words only when a column they or the
-- visibility come from changed; otherwise it refreshes the ranking and
-- filter columns in place (a play changes only the popularity).

-- +goose StatementBegin
CREATE FUNCTION search_users_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_users(ARRAY(SELECT id FROM new_rows));
        PERFORM search_owned(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_users(ARRAY(SELECT id FROM old_rows));
        PERFORM search_owned(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_users(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.handle, n.name, n.is_deactivated) IS DISTINCT FROM (o.handle, o.name, o.is_deactivated)));
        PERFORM search_owned(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.is_deactivated IS DISTINCT FROM o.is_deactivated));
        UPDATE search_docs d SET verified = n.is_verified, popularity = n.follower_count, created_at = n.created_at
        FROM new_rows n
        WHERE d.kind = 1 AND d.id = n.id
            AND (d.verified, d.popularity, d.created_at) IS DISTINCT FROM (n.is_verified, n.follower_count, n.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_tracks_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_tracks(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_tracks(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_tracks(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.title, n.owner_id, n.is_delete, n.is_unlisted) IS DISTINCT FROM (o.title, o.owner_id, o.is_delete, o.is_unlisted)));
        UPDATE search_docs d SET genre = search_norm(n.genre), mood = search_norm(n.mood),
            popularity = n.repost_count + n.save_count + n.play_count, created_at = n.created_at
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE d.kind = 2 AND d.id = n.id
            AND (n.genre, n.mood, n.repost_count, n.save_count, n.play_count, n.created_at)
                IS DISTINCT FROM (o.genre, o.mood, o.repost_count, o.save_count, o.play_count, o.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_playlists_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_playlists(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_playlists(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_playlists(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.name, n.owner_id, n.is_delete, n.is_private, n.is_album)
                IS DISTINCT FROM (o.name, o.owner_id, o.is_delete, o.is_private, o.is_album)));
        UPDATE search_docs d SET popularity = n.repost_count + n.save_count, created_at = n.created_at
        FROM new_rows n
        WHERE d.kind = 3 AND d.id = n.id
            AND (d.popularity, d.created_at) IS DISTINCT FROM (n.repost_count + n.save_count, n.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER search_users_inserted AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_users_written();
CREATE TRIGGER search_users_updated AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_users_written();
CREATE TRIGGER search_users_deleted AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_users_written();
CREATE TRIGGER search_tracks_inserted AFTER INSERT ON tracks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_tracks_written();
CREATE TRIGGER search_tracks_updated AFTER UPDATE ON tracks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_tracks_written();
CREATE TRIGGER search_tracks_deleted AFTER DELETE ON tracks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_tracks_written();
CREATE TRIGGER search_playlists_inserted AFTER INSERT ON playlists
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_playlists_written();
CREATE TRIGGER search_playlists_updated AFTER UPDATE ON playlists
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_playlists_written();
CREATE TRIGGER search_playlists_deleted AFTER DELETE ON playlists
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_playlists_written();

-- Index what is already there.
SELECT search_users(ARRAY(SELECT id FROM users));
SELECT search_tracks(ARRAY(SELECT id FROM tracks));
SELECT search_playlists(ARRAY(SELECT id FROM playlists));

-- +goose Down
DROP TRIGGER search_playlists_deleted ON playlists;
DROP TRIGGER search_playlists_updated ON playlists;
DROP TRIGGER search_playlists_inserted ON playlists;
DROP TRIGGER search_tracks_deleted ON tracks;
DROP TRIGGER search_tracks_updated ON tracks;
DROP TRIGGER search_tracks_inserted ON tracks;
DROP TRIGGER search_users_deleted ON users;
DROP TRIGGER search_users_updated ON users;
DROP TRIGGER search_users_inserted ON users;
DROP FUNCTION search_playlists_written();
DROP FUNCTION search_tracks_written();
DROP FUNCTION search_users_written();
DROP FUNCTION search_owned(BIGINT[]);
DROP FUNCTION search_playlists(BIGINT[]);
DROP FUNCTION search_tracks(BIGINT[]);
DROP FUNCTION search_users(BIGINT[]);
DROP FUNCTION search_count(SMALLINT, BIGINT[]);
DROP FUNCTION search_drop(SMALLINT, BIGINT[]);
DROP FUNCTION search_query_words(TEXT);
DROP FUNCTION search_fold(TEXT);
DROP FUNCTION search_user_words(TEXT, TEXT);
DROP FUNCTION search_key(TEXT);
DROP FUNCTION search_words(TEXT);
DROP FUNCTION search_split(TEXT);
DROP FUNCTION search_norm(TEXT);
DROP TABLE search_vocab;
DROP TABLE search_docs;
