package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// ArticlesForIndex lists up to limit articles with an id above afterID, in id
// order, whatever their status, with bodies and tags: the search index's
// full rebuild reads every article through it, one page at a time.
func (q *queries) ArticlesForIndex(ctx context.Context, afterID int64, limit int) ([]news.Article, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+articleColumns+articleFrom+`WHERE a.id > $1 ORDER BY a.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("articles for index: %w", err)
	}
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("articles for index: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles for index: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	// One query for the page's tags rather than one per article.
	idx := make(map[int64]int, len(out))
	for i, a := range out {
		idx[a.ID] = i
	}
	trows, err := q.q.QueryContext(ctx, `SELECT article_id, tag FROM article_tags WHERE article_id >= $1 AND article_id <= $2 ORDER BY article_id, tag`,
		out[0].ID, out[len(out)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("articles for index: tags: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id int64
		var tag string
		if err := trows.Scan(&id, &tag); err != nil {
			return nil, fmt.Errorf("articles for index: tags: %w", err)
		}
		if i, ok := idx[id]; ok {
			out[i].Tags = append(out[i].Tags, tag)
		}
	}
	return out, trows.Err()
}

// ArticlesUpdatedSince lists up to limit articles saved at or after since,
// whatever their status, with bodies and tags, in (updated_at, id) order
// starting after the article afterID saved at since. The search indexer
// reads it to keep the newsroom's search current with saves the change log
// does not record (drafts, reviews, schedules).
func (q *queries) ArticlesUpdatedSince(ctx context.Context, since time.Time, afterID int64, limit int) ([]news.Article, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+articleColumns+articleFrom+
		`WHERE a.updated_at > $1 OR (a.updated_at = $1 AND a.id > $2) ORDER BY a.updated_at, a.id LIMIT $3`, since.UTC(), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("articles updated since: %w", err)
	}
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("articles updated since: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles updated since: %w", err)
	}
	for i := range out {
		if out[i].Tags, err = q.ArticleTags(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LastArticleUpdate is the latest updated_at of any article (zero when
// there are none).
func (q *queries) LastArticleUpdate(ctx context.Context) (time.Time, error) {
	// ORDER BY rather than MAX keeps the column's type for SQLite's driver.
	var t sql.NullTime
	if err := q.q.QueryRowContext(ctx, `SELECT updated_at FROM articles ORDER BY updated_at DESC LIMIT 1`).Scan(&t); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("articles: %w", err)
	}
	return timeOf(t), nil
}
