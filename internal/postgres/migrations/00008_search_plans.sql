-- The search triggers are handed transition tables of any size: a handful
-- of rows for a block at the head, tens of thousands for a run of blocks
-- applied in one transaction while catching up. The planner cannot size a
-- transition table it has not seen (it takes one row), so the first
-- versions, which joined old_rows to new_rows on id, ran as nested loops:
-- quadratic, seconds per statement for a run. Each statement now compares
-- the two images with EXCEPT, which is linear whatever the estimate, and
-- only then touches search_docs, by primary key. PL/pgSQL's cached generic
-- plans are dropped for the same reason: every statement is planned for
-- the arrays it is actually given.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_users_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_users(ARRAY(SELECT id FROM new_rows));
        PERFORM search_owned(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_users(ARRAY(SELECT id FROM old_rows));
        PERFORM search_owned(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_users(ARRAY(SELECT id FROM (
            SELECT id, handle, name, is_deactivated FROM new_rows
            EXCEPT SELECT id, handle, name, is_deactivated FROM old_rows) c));
        PERFORM search_owned(ARRAY(SELECT id FROM (
            SELECT id, is_deactivated FROM new_rows
            EXCEPT SELECT id, is_deactivated FROM old_rows) c));
        UPDATE search_docs d SET verified = c.is_verified, popularity = c.follower_count, created_at = c.created_at
        FROM (SELECT id, is_verified, follower_count, created_at FROM new_rows
            EXCEPT SELECT id, is_verified, follower_count, created_at FROM old_rows) c
        WHERE d.kind = 1 AND d.id = c.id
            AND (d.verified, d.popularity, d.created_at) IS DISTINCT FROM (c.is_verified, c.follower_count, c.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_tracks_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_tracks(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_tracks(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_tracks(ARRAY(SELECT id FROM (
            SELECT id, title, owner_id, is_delete, is_unlisted FROM new_rows
            EXCEPT SELECT id, title, owner_id, is_delete, is_unlisted FROM old_rows) c));
        UPDATE search_docs d SET genre = search_norm(c.genre), mood = search_norm(c.mood),
            popularity = c.repost_count + c.save_count + c.play_count, created_at = c.created_at
        FROM (SELECT id, genre, mood, repost_count, save_count, play_count, created_at FROM new_rows
            EXCEPT SELECT id, genre, mood, repost_count, save_count, play_count, created_at FROM old_rows) c
        WHERE d.kind = 2 AND d.id = c.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_playlists_written() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_playlists(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM search_playlists(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM search_playlists(ARRAY(SELECT id FROM (
            SELECT id, name, owner_id, is_delete, is_private, is_album FROM new_rows
            EXCEPT SELECT id, name, owner_id, is_delete, is_private, is_album FROM old_rows) c));
        UPDATE search_docs d SET popularity = c.repost_count + c.save_count, created_at = c.created_at
        FROM (SELECT id, repost_count, save_count, created_at FROM new_rows
            EXCEPT SELECT id, repost_count, save_count, created_at FROM old_rows) c
        WHERE d.kind = 3 AND d.id = c.id
            AND (d.popularity, d.created_at) IS DISTINCT FROM (c.repost_count + c.save_count, c.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

ALTER FUNCTION search_drop(SMALLINT, BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_users(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_tracks(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_playlists(BIGINT[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION search_owned(BIGINT[]) SET plan_cache_mode = force_custom_plan;

-- +goose Down
ALTER FUNCTION search_drop(SMALLINT, BIGINT[]) RESET plan_cache_mode;
ALTER FUNCTION search_users(BIGINT[]) RESET plan_cache_mode;
ALTER FUNCTION search_tracks(BIGINT[]) RESET plan_cache_mode;
ALTER FUNCTION search_playlists(BIGINT[]) RESET plan_cache_mode;
ALTER FUNCTION search_owned(BIGINT[]) RESET plan_cache_mode;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_users_written() RETURNS trigger
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
CREATE OR REPLACE FUNCTION search_tracks_written() RETURNS trigger
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
CREATE OR REPLACE FUNCTION search_playlists_written() RETURNS trigger
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
