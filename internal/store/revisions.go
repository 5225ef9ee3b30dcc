package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// Revision is one saved state of an article's text, autosaves included, so
// no text is ever lost and any two can be compared.
type Revision struct {
	ID         int64
	ArticleID  int64
	Version    int64
	AuthorID   int64
	At         time.Time
	Autosave   bool
	Headline   string
	Subheading string
	Summary    string
	BodyHTML   string
}

// AddRevision records a revision.
func (q *queries) AddRevision(ctx context.Context, r Revision) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO revisions (article_id, version, author_id, at, autosave, headline, subheading, summary, body_html)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		r.ArticleID, r.Version, nullID(r.AuthorID), r.At.UTC(), r.Autosave, r.Headline, r.Subheading, r.Summary, r.BodyHTML).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("article %d revision: %w", r.ArticleID, err)
	}
	return id, nil
}

const revisionColumns = `id, article_id, version, COALESCE(author_id, 0), at, autosave, headline, subheading, summary, body_html`

func scanRevision(row scanner) (Revision, error) {
	var r Revision
	err := row.Scan(&r.ID, &r.ArticleID, &r.Version, &r.AuthorID, &r.At, &r.Autosave, &r.Headline, &r.Subheading, &r.Summary, &r.BodyHTML)
	r.At = r.At.UTC()
	return r, err
}

// Revisions lists an article's revisions, newest first.
func (q *queries) Revisions(ctx context.Context, articleID int64) ([]Revision, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE article_id = $1 ORDER BY id DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("article %d revisions: %w", articleID, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("article %d revisions: %w", articleID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RevisionByID loads one revision of an article.
func (q *queries) RevisionByID(ctx context.Context, articleID, id int64) (Revision, error) {
	r, err := scanRevision(q.q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE article_id = $1 AND id = $2`, articleID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("revision %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("revision %d: %w", id, err)
	}
	return r, nil
}
