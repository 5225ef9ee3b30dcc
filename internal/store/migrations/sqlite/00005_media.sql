-- +goose Up
-- The media library: images and documents, named by the SHA-256 of the
-- uploaded bytes (one row per distinct file), with the resized variants
-- made at upload as JSON ([{"width":320,"height":213,"bytes":12345}, ...]).
CREATE TABLE media (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    hash        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    ext         TEXT NOT NULL,
    filename    TEXT NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    bytes       BIGINT NOT NULL,
    alt         TEXT NOT NULL DEFAULT '',
    caption     TEXT NOT NULL DEFAULT '',
    credit      TEXT NOT NULL DEFAULT '',
    variants    TEXT NOT NULL DEFAULT '[]',
    uploaded_by BIGINT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX media_created ON media (created_at, id);

-- An article's lead image, with the caption and credit it shows (empty:
-- the image's own), and its documents listed as downloads, in order.
ALTER TABLE articles ADD COLUMN lead_media_id BIGINT REFERENCES media(id);
ALTER TABLE articles ADD COLUMN lead_caption TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN lead_credit TEXT NOT NULL DEFAULT '';
CREATE TABLE article_attachments (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    media_id   BIGINT NOT NULL REFERENCES media(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, media_id)
);
CREATE INDEX article_attachments_media ON article_attachments (media_id);

-- +goose Down
DROP TABLE article_attachments;
ALTER TABLE articles DROP COLUMN lead_credit;
ALTER TABLE articles DROP COLUMN lead_caption;
ALTER TABLE articles DROP COLUMN lead_media_id;
DROP TABLE media;
