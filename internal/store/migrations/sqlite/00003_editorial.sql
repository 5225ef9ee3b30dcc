-- +goose Up
ALTER TABLE articles ADD COLUMN subheading TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN author_id BIGINT;
ALTER TABLE articles ADD COLUMN last_editor_id BIGINT;
ALTER TABLE articles ADD COLUMN approved_by_id BIGINT;
ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN corrections TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN retraction_note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN retracted_at TIMESTAMP;
CREATE INDEX articles_status_visible ON articles (status, visible_from);

ALTER TABLE channels ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE;

-- One ordered log of every change a reader could notice. Appends are
-- serialised, so seq order is commit order and consumers never miss one.
CREATE TABLE change_log (
    seq        BIGINT PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    article_id BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX change_log_article ON change_log (article_id, seq);

-- Every save of an article, autosaves included.
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    author_id  BIGINT,
    at         TIMESTAMP NOT NULL,
    autosave   BOOLEAN NOT NULL DEFAULT FALSE,
    headline   TEXT NOT NULL,
    subheading TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisions_article ON revisions (article_id, id);

-- +goose Down
DROP TABLE revisions;
DROP TABLE change_log;
DROP INDEX articles_status_visible;
ALTER TABLE articles DROP COLUMN subheading;
ALTER TABLE articles DROP COLUMN author_id;
ALTER TABLE articles DROP COLUMN last_editor_id;
ALTER TABLE articles DROP COLUMN approved_by_id;
ALTER TABLE articles DROP COLUMN version;
ALTER TABLE articles DROP COLUMN corrections;
ALTER TABLE articles DROP COLUMN retraction_note;
ALTER TABLE articles DROP COLUMN retracted_at;
ALTER TABLE channels DROP COLUMN requires_approval;
