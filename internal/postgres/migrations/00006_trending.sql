-- Trending rankings (docs/trending.md): scores computed from the tables as
-- of one indexed head and kept until the next refresh, so a page of a
-- ranking is an index scan. Derived from chain state but not part of it:
-- neither in undo images nor in the state digest; a refresh after a revert
-- recomputes them from the reverted tables.

-- +goose Up
-- Only eligible items with a positive score are stored. genre is the
-- track's genre at the refresh, so a genre's ranking is one index range.
CREATE TABLE trending_track_scores (
    time_range TEXT             NOT NULL, -- 'week', 'month', 'year' or 'allTime'
    track_id   BIGINT           NOT NULL,
    genre      TEXT             NOT NULL,
    score      DOUBLE PRECISION NOT NULL
);
CREATE INDEX trending_track_scores_rank_idx ON trending_track_scores (time_range, score DESC, track_id);
CREATE INDEX trending_track_scores_genre_idx ON trending_track_scores (time_range, genre, score DESC, track_id);

CREATE TABLE trending_playlist_scores (
    time_range  TEXT             NOT NULL,
    playlist_id BIGINT           NOT NULL,
    is_album    BOOLEAN          NOT NULL,
    score       DOUBLE PRECISION NOT NULL
);
CREATE INDEX trending_playlist_scores_rank_idx ON trending_playlist_scores (time_range, is_album, score DESC, playlist_id);

-- The head the scores were computed at (block NULL: there was none).
-- Until the first refresh, refreshed is false and reads compute on demand.
CREATE TABLE trending_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    refreshed BOOLEAN NOT NULL,
    block     BIGINT,
    hash      TEXT
);
INSERT INTO trending_state (id, refreshed) VALUES (1, false);

-- +goose Down
DROP TABLE trending_state;
DROP TABLE trending_playlist_scores;
DROP TABLE trending_track_scores;
