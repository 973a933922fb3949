-- The API's rate limit per key (or per address for requests without a
-- valid key): a fixed-window counter, one row per key and window, spent
-- with an upsert, so that the limit holds across restarts and across
-- instances sharing the database. Old windows are pruned.
CREATE TABLE api_rate_windows (
    key           TEXT    NOT NULL,
    window_start  TEXT    NOT NULL,
    requests      INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
) STRICT;

CREATE INDEX api_rate_windows_start ON api_rate_windows (window_start);
