package store

import (
	"context"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// EveryVisibleArticle lists, without bodies, up to limit articles readers may
// see at now with an id above afterID, in id order: the static export walks
// every public article page with it, a batch at a time. Retracted articles
// are included, as their pages stay up with the notice.
func (q *queries) EveryVisibleArticle(ctx context.Context, now time.Time, afterID int64, limit int) ([]news.Article, error) {
	out, err := q.articleList(ctx, `WHERE`+visibleAt+`AND a.id > $2 ORDER BY a.id LIMIT $3`, now.UTC(), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("visible articles: %w", err)
	}
	return out, nil
}

// VisibleTags lists the tags of the articles a tag page may list in a
// language at now, alphabetically.
func (q *queries) VisibleTags(ctx context.Context, lang string, now time.Time) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id
		WHERE`+visibleAt+listed+`AND a.language = $2 ORDER BY t.tag`, now.UTC(), lang)
	if err != nil {
		return nil, fmt.Errorf("visible tags: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("visible tags: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
