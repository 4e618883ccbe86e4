-- search_users, search_tracks and search_playlists wrote a document's
-- words with a lateral subquery that PostgreSQL inlines, so the words were
-- computed twice per row: once for the words column and once for the
-- tsvector made from them. Folding and splitting text (unaccent, ICU lower,
-- two regular expressions) is most of a document's cost, and the triggers
-- run these functions for every user, track and playlist written at the
-- head and for every revert. OFFSET 0 keeps the subquery from being
-- inlined, as the bulk build (internal/postgres/search_build.go) does; on
-- the users of the 1M-event chain the select went from 3.8 s to 2.1 s.
-- CREATE OR REPLACE drops a function's SET options, so 00008's are set
-- again.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_users(ids BIGINT[]) RETURNS void
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
    FROM users u CROSS JOIN LATERAL (SELECT search_user_words(u.handle, u.name) AS words OFFSET 0) w
    WHERE u.id = ANY(ids) AND NOT u.is_deactivated;
    PERFORM search_count(1::smallint, ids);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_tracks(ids BIGINT[]) RETURNS void
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
    CROSS JOIN LATERAL (SELECT search_words(t.title) AS words OFFSET 0) w
    WHERE t.id = ANY(ids) AND NOT t.is_delete AND NOT t.is_unlisted AND NOT u.is_deactivated;
    PERFORM search_count(2::smallint, ids);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_playlists(ids BIGINT[]) RETURNS void
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
    CROSS JOIN LATERAL (SELECT search_words(p.name) AS words OFFSET 0) w
    WHERE p.id = ANY(ids) AND NOT p.is_delete AND NOT p.is_private AND NOT p.is_album AND NOT u.is_deactivated;
    PERFORM search_count(3::smallint, ids);
END
$$;
-- +goose StatementEnd

ALTER FUNCTION search_users(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_tracks(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_playlists(BIGINT[]) SET plan_cache_mode = force_custom_plan;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_users(ids BIGINT[]) RETURNS void
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
CREATE OR REPLACE FUNCTION search_tracks(ids BIGINT[]) RETURNS void
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
CREATE OR REPLACE FUNCTION search_playlists(ids BIGINT[]) RETURNS void
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

ALTER FUNCTION search_users(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_tracks(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_playlists(BIGINT[]) SET plan_cache_mode = force_custom_plan;
