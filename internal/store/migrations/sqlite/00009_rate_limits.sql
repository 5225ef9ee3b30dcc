-- +goose Up
-- Requests counted per client and per fixed window, summed over every node
-- (each node adds what it saw about once a second), so a rate limit holds
-- for the site, not per process.
CREATE TABLE rate_counts (
    key          TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counts_window ON rate_counts (window_start);

-- +goose Down
DROP TABLE rate_counts;
