-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE channels (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES channels(id),
    slug      TEXT NOT NULL,
    path      TEXT NOT NULL UNIQUE,
    names     TEXT NOT NULL DEFAULT '{}',
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE pages (
    slug     TEXT PRIMARY KEY,
    titles   TEXT NOT NULL DEFAULT '{}',
    bodies   TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uri             TEXT UNIQUE,
    language        TEXT NOT NULL,
    channel_id      INTEGER NOT NULL REFERENCES channels(id),
    headline        TEXT NOT NULL,
    slug            TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    byline          TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    editor          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    release_at      TIMESTAMP,
    embargo_until   TIMESTAMP,
    visible_from    TIMESTAMP,
    version_created TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (language, channel_id, slug)
);
CREATE INDEX articles_visible ON articles (language, visible_from);
CREATE INDEX articles_channel_visible ON articles (channel_id, language, visible_from);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);

CREATE TABLE redirects (
    from_path  TEXT PRIMARY KEY,
    to_path    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX redirects_to ON redirects (to_path);

-- +goose Down
DROP TABLE redirects;
DROP TABLE article_tags;
DROP TABLE articles;
DROP TABLE pages;
DROP TABLE channels;
DROP TABLE settings;
