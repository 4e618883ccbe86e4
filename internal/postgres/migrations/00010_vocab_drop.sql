-- search_drop forgot a document's words with
--   DELETE FROM search_vocab WHERE kind = k AND word = ANY(gone) AND n <= 0
-- after every drop, and PostgreSQL planned it as a BitmapAnd of the
-- trigram GIN index and the typo index instead of the primary key: the
-- trigram index answers "=" too, and on a young table its estimates look
-- cheap. A GIN scan reads the whole pending list of recent insertions, so
-- each call cost 40-150 ms (auto_explain during BenchmarkRevert: 149 calls,
-- 22 s, the largest cost of reverting blocks). Now the words whose count
-- the update takes to zero are collected from the update itself and only
-- those are deleted, usually none; and bitmap scans are off inside the
-- function, which leaves the primary key as the way to find a word.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_drop(k SMALLINT, ids BIGINT[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
DECLARE gone TEXT[]; zero TEXT[];
BEGIN
    WITH d AS (DELETE FROM search_docs WHERE kind = k AND id = ANY(ids) RETURNING words)
    SELECT array_agg(w) INTO gone FROM d, unnest(d.words) AS w;
    IF gone IS NULL THEN
        RETURN;
    END IF;
    WITH u AS (
        UPDATE search_vocab v SET n = v.n - c.n
        FROM (SELECT w, count(*) AS n FROM unnest(gone) AS w GROUP BY w) c
        WHERE v.kind = k AND v.word = c.w
        RETURNING v.word, v.n)
    SELECT array_agg(word) INTO zero FROM u WHERE n <= 0;
    IF zero IS NOT NULL THEN
        DELETE FROM search_vocab WHERE kind = k AND word = ANY(zero) AND n <= 0;
    END IF;
END
$$;
-- +goose StatementEnd
ALTER FUNCTION search_drop(SMALLINT, BIGINT[]) SET plan_cache_mode = force_custom_plan SET enable_bitmapscan = off;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_drop(k SMALLINT, ids BIGINT[]) RETURNS void
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
ALTER FUNCTION search_drop(SMALLINT, BIGINT[]) SET plan_cache_mode = force_custom_plan;
