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

// EveryVisibleArticleWhole is EveryVisibleArticle with each article whole,
// as VisibleArticle loads one (body, tags and downloads), in three queries
// a batch rather than three an article: the static export renders every
// article page from these.
func (q *queries) EveryVisibleArticleWhole(ctx context.Context, now time.Time, afterID int64, limit int) ([]news.Article, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+articleColumns+articleFrom+`WHERE`+visibleAt+`AND a.id > $2 ORDER BY a.id LIMIT $3`,
		now.UTC(), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("visible articles: %w", err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("visible articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("visible articles: %w", err)
	}
	rows.Close()
	if err := q.fillTags(ctx, out); err != nil {
		return nil, err
	}
	if err := q.fillAttachments(ctx, out); err != nil {
		return nil, err
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

// maxFilterIDs bounds the values one IN (...) filter takes, well below
// what either database accepts as parameters; longer lists are read in
// parts.
const maxFilterIDs = 500

// VisibleMedia lists the library files that articles readers may see at now
// show: lead images, downloads and images in their bodies. The static
// export copies exactly these, so a file of an unpublished article stays out.
// Given article ids, it looks at those articles only (an incremental
// export's changed ones) rather than reading every body; given more than
// maxFilterIDs, it reads every visible article's, theirs among them.
func (q *queries) VisibleMedia(ctx context.Context, now time.Time, articles ...int64) ([]news.Media, error) {
	only, args := "", []any{now.UTC()}
	if len(articles) > 0 && len(articles) <= maxFilterIDs {
		marks, ids := inList(articles, 2)
		only, args = ` AND a.id IN (`+marks+`) `, append(args, ids...)
	}
	ids := map[int64]bool{}
	rows, err := q.q.QueryContext(ctx, `SELECT a.lead_media_id FROM articles a WHERE`+visibleAt+only+`AND a.lead_media_id IS NOT NULL
		UNION SELECT t.media_id FROM article_attachments t JOIN articles a ON a.id = t.article_id WHERE`+visibleAt+only, args...)
	if err != nil {
		return nil, fmt.Errorf("visible media: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("visible media: %w", err)
		}
		ids[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("visible media: %w", err)
	}
	hashes := map[string]bool{}
	rows, err = q.q.QueryContext(ctx, `SELECT a.body_html FROM articles a WHERE`+visibleAt+only+`AND a.body_html LIKE '%/media/%'`, args...)
	if err != nil {
		return nil, fmt.Errorf("visible media: %w", err)
	}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			rows.Close()
			return nil, fmt.Errorf("visible media: %w", err)
		}
		for _, h := range news.BodyMediaHashes(body) {
			hashes[h] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("visible media: %w", err)
	}
	var out []news.Media
	if len(ids) > 0 {
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		ms, err := q.MediaByIDs(ctx, list)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if len(hashes) > 0 {
		list := make([]string, 0, len(hashes))
		for h := range hashes {
			list = append(list, h)
		}
		ms, err := q.MediaByHashes(ctx, list)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !ids[m.ID] {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// ListingRank is how many articles a listing shows before a: the visible,
// listed articles released after it (or at the same time with a higher
// id), in lang, under channel (its subtree; "" for none) and carrying tag
// ("" for any), leaving out those pinned in exceptPinned. Page n of a
// listing of size per holds ranks (n-1)*per to n*per-1, so an edit that
// moves nothing touches one page.
func (q *queries) ListingRank(ctx context.Context, a news.Article, lang, channel, tag, exceptPinned string, now time.Time) (int, error) {
	where := `WHERE` + visibleInOrder + listed + `AND a.language = $2 AND (a.release_at > $3 OR (a.release_at = $3 AND a.id > $4))`
	args := []any{now.UTC(), lang, a.ReleaseAt.UTC(), a.ID}
	if channel != "" {
		where, args = inSubtree(where, args, channel)
	}
	if tag != "" {
		args = append(args, tag)
		where += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = $%d)`, len(args))
	}
	if exceptPinned != "" {
		where, args = notPinned(where, args, exceptPinned)
	}
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*)`+articleFrom+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("listing rank of article %d: %w", a.ID, err)
	}
	return n, nil
}

// Pinned reports whether an article is pinned in scope.
func (q *queries) Pinned(ctx context.Context, scope string, articleID int64) (bool, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pins WHERE scope = $1 AND article_id = $2`, scope, articleID).Scan(&n); err != nil {
		return false, fmt.Errorf("pin of article %d: %w", articleID, err)
	}
	return n > 0, nil
}
