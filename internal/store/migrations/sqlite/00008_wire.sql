-- +goose Up
-- Wire sources the poller fetches, with their health. claimed_until is a
-- lease: a node takes a due source with a conditional update, so two nodes
-- never poll the same source at once.
CREATE TABLE wire_sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    url             TEXT NOT NULL UNIQUE,
    format          TEXT NOT NULL,
    channel_id      INTEGER NOT NULL REFERENCES channels(id),
    language        TEXT NOT NULL,
    credit          TEXT NOT NULL DEFAULT '',
    poll_seconds    INTEGER NOT NULL,
    auto_publish    BOOLEAN NOT NULL DEFAULT FALSE,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    etag            TEXT NOT NULL DEFAULT '',
    last_modified   TEXT NOT NULL DEFAULT '',
    last_polled_at  TIMESTAMP,
    last_success_at TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    last_error_at   TIMESTAMP,
    error_count     INTEGER NOT NULL DEFAULT 0,
    next_poll_at    TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    items_count     BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX wire_sources_due ON wire_sources (enabled, next_poll_at);

-- Every item a source has delivered, by its GUID, with the hash of its
-- content: an unchanged item is skipped without touching the article, a
-- changed one updates the same article, and the same content under a new
-- GUID is recognised as a duplicate.
CREATE TABLE wire_items (
    source_id     INTEGER NOT NULL REFERENCES wire_sources(id) ON DELETE CASCADE,
    guid          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    article_id    INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (source_id, guid)
);
CREATE INDEX wire_items_hash ON wire_items (source_id, content_hash);

-- +goose Down
DROP TABLE wire_items;
DROP TABLE wire_sources;
