-- +goose Up
-- Lead stories editors pin, in order, on a language's home page
-- ("home:{lang}") or on a channel's listing ("channel:{path}").
CREATE TABLE pins (
    scope      TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (scope, article_id)
);
CREATE INDEX pins_article ON pins (article_id);

-- +goose Down
DROP TABLE pins;
