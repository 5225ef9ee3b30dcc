package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"newsdesk/internal/news"
)

// TagQuery selects the listed articles carrying one tag.
type TagQuery struct {
	Language string
	Tag      string
	Limit    int
	Offset   int
	Now      time.Time
	// All lists every article under the tag, ignoring Limit and Offset
	// (as ArticleQuery.All).
	All bool
	// Brief loads only what a listing row shows (as ArticleQuery.Brief).
	Brief bool
}

// VisibleTaggedArticles lists what readers may see under a tag, newest
// release first, and the total for pagination. Retracted articles stay out,
// as in every listing. Bodies are not loaded.
func (q *queries) VisibleTaggedArticles(ctx context.Context, tq TagQuery) ([]news.Article, int, error) {
	where := `WHERE` + visibleInOrder + listed + `AND a.language = $2
		AND EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = $3)`
	args := []any{tq.Now.UTC(), tq.Language, tq.Tag}
	if tq.All {
		list, err := q.list(ctx, tq.Brief, where+` ORDER BY a.release_at DESC, a.id DESC`, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("list articles tagged %q: %w", tq.Tag, err)
		}
		return list, len(list), nil
	}
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*)`+articleFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count articles tagged %q: %w", tq.Tag, err)
	}
	if tq.Limit <= 0 {
		tq.Limit = 20
	}
	list, err := q.list(ctx, tq.Brief, where+` ORDER BY a.release_at DESC, a.id DESC LIMIT $4 OFFSET $5`,
		append(args, tq.Limit, tq.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list articles tagged %q: %w", tq.Tag, err)
	}
	return list, total, nil
}

// EachListedBrief yields every article the listings of lang show at now
// (VisibleArticles' rule: visible, not retracted), with only what a
// listing row shows (ID, Language, ChannelPath, Headline, Slug, Summary,
// ReleaseAt: each column costs its scan, a time column on SQLite a parse),
// in listing order: newest release first, then highest id. The
// order is total, so every listing VisibleArticles or
// VisibleTaggedArticles gives (a channel's subtree less its pins, a tag's
// articles) is the subsequence of this one that passes its filter: the
// static export cuts them all from this one reading, with
// EachListedTag, rather than reading each article again for each listing
// it is in. Nothing is held: yield keeps what it needs.
func (q *queries) EachListedBrief(ctx context.Context, lang string, now time.Time, yield func(news.Article) error) error {
	rows, err := q.q.QueryContext(ctx, `SELECT `+rowColumns+articleFrom+`WHERE`+visibleInOrder+listed+
		`AND a.language = $2 ORDER BY a.release_at DESC, a.id DESC`, now.UTC(), lang)
	if err != nil {
		return fmt.Errorf("list articles of %s: %w", lang, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a news.Article
		var release sql.NullTime
		if err := rows.Scan(&a.ID, &a.Language, &a.ChannelPath, &a.Headline, &a.Slug, &a.Summary, &release); err != nil {
			return fmt.Errorf("list articles of %s: %w", lang, err)
		}
		a.ReleaseAt = timeOf(release)
		if err := yield(a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list articles of %s: %w", lang, err)
	}
	return nil
}

// rowColumns are what a listing row shows of an article: its address
// (language, channel path, release, slug), headline and summary.
const rowColumns = `a.id, a.language, c.path, a.headline, a.slug, a.summary, a.release_at`

// EachListedTag yields the tags of the articles EachListedBrief yields for
// the same language and time, as (article id, tag) in no particular order;
// a tag's listing (VisibleTaggedArticles) is the articles that carry it,
// the tag compared byte for byte as there.
func (q *queries) EachListedTag(ctx context.Context, lang string, now time.Time, yield func(articleID int64, tag string) error) error {
	rows, err := q.q.QueryContext(ctx, `SELECT t.article_id, t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id
		WHERE`+visibleAt+listed+`AND a.language = $2`, now.UTC(), lang)
	if err != nil {
		return fmt.Errorf("tags of the articles of %s: %w", lang, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return fmt.Errorf("tags of the articles of %s: %w", lang, err)
		}
		if err := yield(id, tag); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tags of the articles of %s: %w", lang, err)
	}
	return nil
}

// NoticeKind says whether a notice corrects or retracts an article.
type NoticeKind string

// The kinds of notice on the corrections page.
const (
	NoticeCorrection NoticeKind = "correction"
	NoticeRetraction NoticeKind = "retraction"
)

// Notice is one dated correction or retraction of a visible article. The
// article comes without its body.
type Notice struct {
	Kind    NoticeKind
	At      time.Time
	Note    string
	Article news.Article
}

// NoticeQuery selects a page of the corrections page of one language.
type NoticeQuery struct {
	Language string
	Limit    int
	Offset   int
	Now      time.Time
}

// VisibleNotices lists the corrections and retractions of the articles
// readers may reach at now (retracted articles keep their URL, so their
// notices count), newest first, with the total for pagination.
//
// Notes live in each article's corrections column, so the page is cut in
// Go from every notice of the language rather than in SQL: corrections are
// rare next to articles, the rows come without bodies, and this keeps the
// query portable where exploding JSON arrays is not.
func (q *queries) VisibleNotices(ctx context.Context, nq NoticeQuery) ([]Notice, int, error) {
	list, err := q.articleList(ctx, `WHERE`+visibleInOrder+`AND a.language = $2
		AND (a.status = 'retracted' OR a.corrections <> '[]')`, nq.Now.UTC(), nq.Language)
	if err != nil {
		return nil, 0, fmt.Errorf("list corrections: %w", err)
	}
	var all []Notice
	for _, a := range list {
		for _, c := range a.Corrections {
			all = append(all, Notice{Kind: NoticeCorrection, At: c.At, Note: c.Note, Article: a})
		}
		if a.Status == news.StatusRetracted {
			all = append(all, Notice{Kind: NoticeRetraction, At: a.RetractedAt, Note: a.RetractionNote, Article: a})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		x, y := all[i], all[j]
		if !x.At.Equal(y.At) {
			return x.At.After(y.At)
		}
		if x.Article.ID != y.Article.ID {
			return x.Article.ID > y.Article.ID
		}
		return x.Kind == NoticeRetraction && y.Kind != NoticeRetraction
	})
	if nq.Limit <= 0 {
		nq.Limit = 20
	}
	total := len(all)
	lo := min(max(nq.Offset, 0), total)
	hi := min(lo+nq.Limit, total)
	return all[lo:hi], total, nil
}

// keyPreviewSecret holds the key that signs shareable preview links.
const keyPreviewSecret = "preview_secret"

// PreviewSecret returns the key that signs shareable preview links, creating
// a random one the first time it is asked for. Nodes racing to create it all
// end up with the one that was stored first. Deleting the setting revokes
// every link handed out.
func (s *Store) PreviewSecret(ctx context.Context) ([]byte, error) {
	var secret []byte
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		secret, err = tx.previewSecret(ctx)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return err
		}
		value, err := json.Marshal(base64.StdEncoding.EncodeToString(fresh))
		if err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
			keyPreviewSecret, string(value)); err != nil {
			return err
		}
		secret, err = tx.previewSecret(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("preview secret: %w", err)
	}
	return secret, nil
}

// previewSecret reads the stored key, or sql.ErrNoRows when there is none.
func (q *queries) previewSecret(ctx context.Context) ([]byte, error) {
	var value, encoded string
	if err := q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, keyPreviewSecret).Scan(&value); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(value), &encoded); err != nil {
		return nil, err
	}
	secret, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, err
	}
	if len(secret) < 16 {
		return nil, fmt.Errorf("the stored key is too short (%d bytes)", len(secret))
	}
	return secret, nil
}
