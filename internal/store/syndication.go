package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// FeedQuery selects the newest visible articles for a feed or sitemap.
type FeedQuery struct {
	// Language limits the feed to one language; "" takes every language.
	Language string
	// Channel limits it to a channel and its subtree; "" takes every channel.
	Channel string
	// Since, when set, keeps only articles released at or after it (the
	// Google News sitemap's two days).
	Since time.Time
	Limit int
	Now   time.Time
	// Bodies loads the article bodies (full-text feeds).
	Bodies bool
}

// FeedArticles lists what readers may see, newest release first, with
// their tags, for feeds. Retracted articles stay out, as in listings.
func (q *queries) FeedArticles(ctx context.Context, fq FeedQuery) ([]news.Article, error) {
	where := `WHERE` + visibleInOrder + listed
	args := []any{fq.Now.UTC()}
	if fq.Language != "" {
		args = append(args, fq.Language)
		where += fmt.Sprintf(` AND a.language = $%d`, len(args))
	}
	if fq.Channel != "" {
		where, args = inSubtree(where, args, fq.Channel)
	}
	if !fq.Since.IsZero() {
		args = append(args, fq.Since.UTC())
		where += fmt.Sprintf(` AND a.release_at >= $%d`, len(args))
	}
	if fq.Limit <= 0 {
		fq.Limit = 50
	}
	args = append(args, fq.Limit)
	where += fmt.Sprintf(` ORDER BY a.release_at DESC, a.id DESC LIMIT $%d`, len(args))
	// Rows are sorted without their bodies, which are then read for the
	// few that made the cut: sorting thousands of bodies is what costs.
	list, err := q.articleList(ctx, where, args...)
	if err != nil {
		return nil, fmt.Errorf("feed articles: %w", err)
	}
	if fq.Bodies {
		if err := q.fillBodies(ctx, list); err != nil {
			return nil, err
		}
	}
	if err := q.fillTags(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

// fillBodies loads the bodies of a list of articles in one query.
func (q *queries) fillBodies(ctx context.Context, list []news.Article) error {
	err := fillByID(ctx, q, list, `SELECT id, body_html FROM articles WHERE id IN (%s)`,
		func(a *news.Article, body string) { a.BodyHTML = body })
	if err != nil {
		return fmt.Errorf("article bodies: %w", err)
	}
	return nil
}

// fillTags loads the tags of a list of articles in one query.
func (q *queries) fillTags(ctx context.Context, list []news.Article) error {
	err := fillByID(ctx, q, list, `SELECT article_id, tag FROM article_tags WHERE article_id IN (%s) ORDER BY article_id, tag`,
		func(a *news.Article, tag string) { a.Tags = append(a.Tags, tag) })
	if err != nil {
		return fmt.Errorf("article tags: %w", err)
	}
	return nil
}

// fillAttachments loads the downloads of a list of articles, in order, in
// one query.
func (q *queries) fillAttachments(ctx context.Context, list []news.Article) error {
	err := fillByID(ctx, q, list, `SELECT article_id, media_id FROM article_attachments WHERE article_id IN (%s) ORDER BY article_id, position`,
		func(a *news.Article, id int64) { a.Attachments = append(a.Attachments, id) })
	if err != nil {
		return fmt.Errorf("article downloads: %w", err)
	}
	return nil
}

// fillByID runs query, whose %s takes the placeholders of the list's ids,
// over rows of (article id, value), handing each value to set with its
// article.
func fillByID[V any](ctx context.Context, q *queries, list []news.Article, query string, set func(a *news.Article, v V)) error {
	if len(list) == 0 {
		return nil
	}
	idx, marks, args := idList(list)
	rows, err := q.q.QueryContext(ctx, fmt.Sprintf(query, marks), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		set(&list[idx[id]], v)
	}
	return rows.Err()
}

// idList indexes a list of articles by id and gives the placeholders and
// arguments of an IN (...) over their ids.
func idList(list []news.Article) (map[int64]int, string, []any) {
	idx := map[int64]int{}
	ids := make([]int64, len(list))
	for i, a := range list {
		idx[a.ID] = i
		ids[i] = a.ID
	}
	marks, args := inList(ids, 1)
	return idx, marks, args
}

// inList gives the placeholders ($first, $first+1, ...) and arguments of
// an IN (...) over vals.
func inList[T any](vals []T, first int) (string, []any) {
	marks := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		marks[i], args[i] = fmt.Sprintf("$%d", first+i), v
	}
	return strings.Join(marks, ", "), args
}

// SitemapMonth is one month of visible articles, by release time in UTC.
type SitemapMonth struct {
	Year, Month int
	Articles    int
	// LastModified is the latest update of an article of the month.
	LastModified time.Time
}

// SitemapMonths lists the months that have articles readers may see
// (retracted ones excluded: they ask search engines to forget them),
// newest first, for the sitemap index.
func (q *queries) SitemapMonths(ctx context.Context, now time.Time) ([]SitemapMonth, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT a.release_at, a.updated_at FROM articles a WHERE`+visibleInOrder+listed+
		` ORDER BY a.release_at DESC`, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("sitemap months: %w", err)
	}
	defer rows.Close()
	var out []SitemapMonth
	for rows.Next() {
		var rel, upd time.Time
		if err := rows.Scan(&rel, &upd); err != nil {
			return nil, fmt.Errorf("sitemap months: %w", err)
		}
		rel = rel.UTC()
		if n := len(out); n == 0 || out[n-1].Year != rel.Year() || out[n-1].Month != int(rel.Month()) {
			out = append(out, SitemapMonth{Year: rel.Year(), Month: int(rel.Month())})
		}
		m := &out[len(out)-1]
		m.Articles++
		if upd.After(m.LastModified) {
			m.LastModified = upd.UTC()
		}
	}
	return out, rows.Err()
}

// SitemapArticles lists, oldest first, the visible articles released in
// one UTC month, limit of them after offset. It fills what a sitemap entry
// reads (the address: language, channel path, release, slug; the last
// change: updated, version created, last editor, corrections) and leaves
// the rest zero: a month holds up to 20,000 entries, and reading whole
// rows for them was most of a sitemap's cost.
func (q *queries) SitemapArticles(ctx context.Context, year, month, offset, limit int, now time.Time) ([]news.Article, error) {
	from := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	list, err := q.listOf(ctx, sitemapColumns, scanSitemapEntry, `WHERE`+visibleInOrder+listed+` AND a.release_at >= $2 AND a.release_at < $3
		ORDER BY a.release_at, a.id LIMIT $4 OFFSET $5`, now.UTC(), from, from.AddDate(0, 1, 0), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("sitemap %04d-%02d: %w", year, month, err)
	}
	return list, nil
}

// sitemapColumns are what SitemapArticles fills.
const sitemapColumns = `a.id, a.language, c.path, a.slug, a.release_at, a.updated_at, a.version_created,
	COALESCE(a.last_editor_id, 0), a.corrections`

func scanSitemapEntry(row scanner) (news.Article, error) {
	var a news.Article
	var release, version sql.NullTime
	var corrections string
	if err := row.Scan(&a.ID, &a.Language, &a.ChannelPath, &a.Slug, &release, &a.UpdatedAt, &version,
		&a.LastEditorID, &corrections); err != nil {
		return a, err
	}
	if err := scanCorrections(a.ID, corrections, &a); err != nil {
		return a, err
	}
	a.ReleaseAt, a.VersionCreated, a.UpdatedAt = timeOf(release), timeOf(version), a.UpdatedAt.UTC()
	return a, nil
}

// SitemapRank places an article in its month's sitemap: how many listed
// visible articles of that month (UTC) come before it (release time, then
// id, as SitemapArticles orders them), and how many the month has.
func (q *queries) SitemapRank(ctx context.Context, a news.Article, now time.Time) (rank, total int, err error) {
	r := a.ReleaseAt.UTC()
	from := time.Date(r.Year(), r.Month(), 1, 0, 0, 0, 0, time.UTC)
	err = q.q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN a.release_at < $4 OR (a.release_at = $4 AND a.id < $5) THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM articles a WHERE`+visibleInOrder+listed+` AND a.release_at >= $2 AND a.release_at < $3`,
		now.UTC(), from, from.AddDate(0, 1, 0), r, a.ID).Scan(&rank, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("sitemap rank of article %d: %w", a.ID, err)
	}
	return rank, total, nil
}
