-- +goose Up
-- Endpoints that receive signed webhooks when articles are published,
-- updated, corrected, unpublished or retracted.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Every message to deliver: a webhook POST (webhook_id set) or a WebSub
-- hub ping (webhook_id NULL), retried with backoff until delivered or
-- failed. A node claims a due row by setting claimed_until with a
-- conditional update, so each attempt is made once across nodes.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      BIGINT REFERENCES webhooks(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    event           TEXT NOT NULL,
    change_seq      BIGINT NOT NULL,
    article_id      BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    last_attempt_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);

-- How far notifications have read the change log: one row, moved by a
-- conditional update so each change is turned into deliveries once.
-- It starts at the end of the log: history is not announced.
CREATE TABLE notification_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO notification_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM change_log;

-- Feeds and sitemaps read the newest releases first and stop after a
-- few dozen: these let the database walk releases in order instead of
-- sorting every visible article.
CREATE INDEX articles_language_release ON articles (language, release_at);
CREATE INDEX articles_release ON articles (release_at);

-- +goose Down
DROP INDEX articles_release;
DROP INDEX articles_language_release;
DROP TABLE notification_cursor;
DROP TABLE deliveries;
DROP TABLE webhooks;
