package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/news"
)

const articleColumns = `a.id, COALESCE(a.uri, ''), a.language, a.channel_id, c.path, a.headline, a.slug,
	a.summary, a.body_html, a.byline, a.source, a.editor, a.status, a.release_at, a.embargo_until,
	a.version_created, a.created_at, a.updated_at, a.subheading, COALESCE(a.author_id, 0),
	COALESCE(a.last_editor_id, 0), COALESCE(a.approved_by_id, 0), a.version, a.corrections,
	a.retraction_note, a.retracted_at, COALESCE(a.lead_media_id, 0), a.lead_caption, a.lead_credit`

// briefColumns are what a listing row shows of an article (headline,
// summary, address, release) and what says whether and since when readers
// see it (status, release, embargo, last update), for listings that need
// no more: each column costs its scan, and on SQLite each time column a
// parse.
const briefColumns = `a.id, a.language, a.channel_id, c.path, a.headline, a.slug, a.summary,
	a.status, a.release_at, a.embargo_until, a.updated_at`

const articleFrom = ` FROM articles a JOIN channels c ON c.id = a.channel_id `

// listed keeps retracted articles (reachable at their URL, with a notice)
// out of listings, as news.Article.Listed does.
const listed = ` AND a.status <> 'retracted' `

// visibleAt is the reader visibility rule (news.Article.VisibleFrom) as SQL:
// visible_from is only set for published articles and holds the later of
// release and embargo. $1 is always the current time.
const visibleAt = ` a.visible_from IS NOT NULL AND a.visible_from <= $1 `

// visibleInOrder is visibleAt for listings, feeds and their counts: the
// same rule (a NULL never passes), written so that no index on
// visible_from applies. That leaves the planner the listing index
// (articles_listing: language, release_at, then the columns tested) to
// walk newest first and stop at the LIMIT, or to count from alone, rather
// than gathering every visible row of a language through
// articles_visible, reading each row and sorting them all: on SQLite
// among 100,000 articles, a big channel's 50-item feed took 150 ms the one
// way and 11 ms the other, its count 68 ms and 17 ms.
const visibleInOrder = ` COALESCE(a.visible_from, a.visible_from) <= $1 `

func scanArticle(row scanner) (news.Article, error) {
	var a news.Article
	var status string
	var release, embargo, version, retracted sql.NullTime
	var corrections string
	err := row.Scan(&a.ID, &a.URI, &a.Language, &a.ChannelID, &a.ChannelPath, &a.Headline, &a.Slug,
		&a.Summary, &a.BodyHTML, &a.Byline, &a.Source, &a.Editor, &status, &release, &embargo,
		&version, &a.CreatedAt, &a.UpdatedAt, &a.Subheading, &a.AuthorID, &a.LastEditorID, &a.ApprovedByID,
		&a.Version, &corrections, &a.RetractionNote, &retracted, &a.LeadMediaID, &a.LeadCaption, &a.LeadCredit)
	if err != nil {
		return a, err
	}
	if err := scanCorrections(a.ID, corrections, &a); err != nil {
		return a, err
	}
	a.RetractedAt = timeOf(retracted)
	a.Status = news.Status(status)
	a.ReleaseAt, a.EmbargoUntil, a.VersionCreated = timeOf(release), timeOf(embargo), timeOf(version)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// scanCorrections decodes an article's stored corrections (a JSON array,
// "[]" for most articles, which needs no decoding) into a.Corrections.
func scanCorrections(id int64, stored string, a *news.Article) error {
	if stored == "" || stored == "[]" {
		a.Corrections = nil
		return nil
	}
	if err := json.Unmarshal([]byte(stored), &a.Corrections); err != nil {
		return fmt.Errorf("article %d corrections: %w", id, err)
	}
	if len(a.Corrections) == 0 {
		a.Corrections = nil
	}
	for i := range a.Corrections {
		a.Corrections[i].At = a.Corrections[i].At.UTC()
	}
	return nil
}

// scanBrief scans briefColumns; the article's other fields stay zero.
func scanBrief(row scanner) (news.Article, error) {
	var a news.Article
	var status string
	var release, embargo sql.NullTime
	err := row.Scan(&a.ID, &a.Language, &a.ChannelID, &a.ChannelPath, &a.Headline, &a.Slug, &a.Summary,
		&status, &release, &embargo, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Status = news.Status(status)
	a.ReleaseAt, a.EmbargoUntil = timeOf(release), timeOf(embargo)
	a.UpdatedAt = a.UpdatedAt.UTC()
	return a, nil
}

func (q *queries) oneArticle(ctx context.Context, what, where string, args ...any) (news.Article, error) {
	a, err := scanArticle(q.q.QueryRowContext(ctx, `SELECT `+articleColumns+articleFrom+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("article %s: %w", what, news.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("article %s: %w", what, err)
	}
	if a.Tags, err = q.ArticleTags(ctx, a.ID); err != nil {
		return a, err
	}
	a.Attachments, err = q.ArticleAttachments(ctx, a.ID)
	return a, err
}

// ArticleByID loads an article whatever its status (newsroom and import use).
func (q *queries) ArticleByID(ctx context.Context, id int64) (news.Article, error) {
	return q.oneArticle(ctx, strconv.FormatInt(id, 10), `WHERE a.id = $1`, id)
}

// ArticleByURI loads an article by its external uri whatever its status.
func (q *queries) ArticleByURI(ctx context.Context, uri string) (news.Article, error) {
	return q.oneArticle(ctx, uri, `WHERE a.uri = $1`, uri)
}

// VisibleArticle loads the article a reader asked for by language, channel and
// slug, or news.ErrNotFound when there is none or it is not visible at now.
func (q *queries) VisibleArticle(ctx context.Context, lang, channelPath, slug string, now time.Time) (news.Article, error) {
	return q.oneArticle(ctx, channelPath+"/"+slug,
		`WHERE`+visibleAt+`AND a.language = $2 AND c.path = $3 AND a.slug = $4`, now.UTC(), lang, channelPath, slug)
}

// ArticleQuery selects visible articles for a listing.
type ArticleQuery struct {
	Language string
	// Channel, when set, limits the listing to that channel and its subtree.
	Channel string
	Limit   int
	Offset  int
	Now     time.Time
	// ExceptPinned, when set, leaves out the articles pinned in that scope
	// (see PinnedVisible), which a page shows above the rest.
	ExceptPinned string
	// All lists every matching article, ignoring Limit and Offset, with
	// their number as the total: one ordered query for all the pages of a
	// listing (the static export), rather than one query and count a page.
	All bool
	// NoTotal skips counting, for a page that shows the newest few and
	// no page numbers (the home page); the total is then -1.
	NoTotal bool
	// Brief loads only briefColumns (ID, Language, ChannelID, ChannelPath,
	// Headline, Slug, Summary, Status, ReleaseAt, EmbargoUntil, UpdatedAt),
	// leaving the other fields zero: for listings that show no more.
	Brief bool
}

// VisibleArticles lists what readers may see, newest release first, and the
// total count for pagination. Bodies are not loaded.
func (q *queries) VisibleArticles(ctx context.Context, aq ArticleQuery) ([]news.Article, int, error) {
	where := `WHERE` + visibleInOrder + listed + `AND a.language = $2`
	args := []any{aq.Now.UTC(), aq.Language}
	if aq.Channel != "" {
		where, args = inSubtree(where, args, aq.Channel)
	}
	if aq.ExceptPinned != "" {
		where, args = notPinned(where, args, aq.ExceptPinned)
	}
	if aq.All {
		out, err := q.list(ctx, aq.Brief, where+` ORDER BY a.release_at DESC, a.id DESC`, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("list articles: %w", err)
		}
		return out, len(out), nil
	}
	total := -1
	if !aq.NoTotal {
		if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*)`+articleFrom+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count articles: %w", err)
		}
	}
	if aq.Limit <= 0 {
		aq.Limit = 20
	}
	n := len(args)
	out, err := q.list(ctx, aq.Brief, where+fmt.Sprintf(` ORDER BY a.release_at DESC, a.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2),
		append(args, aq.Limit, aq.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list articles: %w", err)
	}
	return out, total, nil
}

// inSubtree adds to a WHERE clause the condition that the article's channel
// is path or lies below it, appending its arguments. The subtree is matched
// by prefix; % and _ in the path must not act as wildcards (news/chin_ is
// not news/china).
func inSubtree(where string, args []any, path string) (string, []any) {
	args = append(args, path, likeEscaper.Replace(path)+"/%")
	return where + fmt.Sprintf(` AND (c.path = $%d OR c.path LIKE $%d ESCAPE '\')`, len(args)-1, len(args)), args
}

// notPinned adds the condition that the article is not pinned in scope (a
// listing shows its pinned stories above the rest, not among them).
func notPinned(where string, args []any, scope string) (string, []any) {
	args = append(args, scope)
	return where + fmt.Sprintf(` AND NOT EXISTS (SELECT 1 FROM pins p WHERE p.scope = $%d AND p.article_id = a.id)`, len(args)), args
}

// likeEscaper makes a string match itself literally in LIKE ... ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ArticleTags lists an article's tags in alphabetical order.
func (q *queries) ArticleTags(ctx context.Context, id int64) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT tag FROM article_tags WHERE article_id = $1 ORDER BY tag`, id)
	if err != nil {
		return nil, fmt.Errorf("article %d tags: %w", id, err)
	}
	defer rows.Close()
	var tags []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("article %d tags: %w", id, err)
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}

// UniqueSlug returns base, or base with a number appended, so that no other
// article in the same language and channel has it.
func (q *queries) UniqueSlug(ctx context.Context, lang string, channelID int64, base string, exceptID int64) (string, error) {
	slug := base
	for i := 2; ; i++ {
		var n int
		err := q.q.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM articles WHERE language = $1 AND channel_id = $2 AND slug = $3 AND id <> $4`,
			lang, channelID, slug, exceptID).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("unique slug %q: %w", base, err)
		}
		if n == 0 {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(i)
	}
}

// SaveArticle inserts the article when a.ID is 0 and updates it otherwise,
// replacing its tags; it returns the id. Validation is the caller's (domain) job.
func (q *queries) SaveArticle(ctx context.Context, a news.Article) (int64, error) {
	var uri any
	if a.URI != "" {
		uri = a.URI
	}
	if a.Corrections == nil {
		a.Corrections = []news.Correction{}
	}
	corrections, err := json.Marshal(a.Corrections)
	if err != nil {
		return 0, fmt.Errorf("article %q corrections: %w", a.Headline, err)
	}
	if a.Version == 0 {
		a.Version = 1
	}
	args := []any{uri, a.Language, a.ChannelID, a.Headline, a.Slug, a.Summary, a.BodyHTML, a.Byline,
		a.Source, a.Editor, string(a.Status), nullTime(a.ReleaseAt), nullTime(a.EmbargoUntil),
		nullTime(a.VisibleFrom()), nullTime(a.VersionCreated), a.UpdatedAt.UTC(),
		a.Subheading, nullID(a.AuthorID), nullID(a.LastEditorID), nullID(a.ApprovedByID), a.Version,
		string(corrections), a.RetractionNote, nullTime(a.RetractedAt), nullID(a.LeadMediaID), a.LeadCaption, a.LeadCredit}
	id := a.ID
	if id == 0 {
		err = q.q.QueryRowContext(ctx, `INSERT INTO articles (uri, language, channel_id, headline, slug,
			summary, body_html, byline, source, editor, status, release_at, embargo_until, visible_from,
			version_created, updated_at, subheading, author_id, last_editor_id, approved_by_id, version,
			corrections, retraction_note, retracted_at, lead_media_id, lead_caption, lead_credit, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
			$21, $22, $23, $24, $25, $26, $27, $28) RETURNING id`,
			append(args, a.CreatedAt.UTC())...).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("insert article %q: %w", a.Headline, err)
		}
	} else {
		_, err := q.q.ExecContext(ctx, `UPDATE articles SET uri = $1, language = $2, channel_id = $3,
			headline = $4, slug = $5, summary = $6, body_html = $7, byline = $8, source = $9, editor = $10,
			status = $11, release_at = $12, embargo_until = $13, visible_from = $14, version_created = $15,
			updated_at = $16, subheading = $17, author_id = $18, last_editor_id = $19, approved_by_id = $20,
			version = $21, corrections = $22, retraction_note = $23, retracted_at = $24, lead_media_id = $25,
			lead_caption = $26, lead_credit = $27 WHERE id = $28`, append(args, id)...)
		if err != nil {
			return 0, fmt.Errorf("update article %d: %w", id, err)
		}
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM article_tags WHERE article_id = $1`, id); err != nil {
		return 0, fmt.Errorf("article %d tags: %w", id, err)
	}
	for _, t := range news.CleanTags(a.Tags) {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO article_tags (article_id, tag) VALUES ($1, $2)`, id, t); err != nil {
			return 0, fmt.Errorf("article %d tag %q: %w", id, t, err)
		}
	}
	if err := q.saveAttachments(ctx, id, a.Attachments); err != nil {
		return 0, err
	}
	return id, nil
}

// CountArticles counts stored articles in any status.
func (q *queries) CountArticles(ctx context.Context) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// nullID turns 0 into SQL NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// NewsroomQuery filters the newsroom's article list, in every status.
type NewsroomQuery struct {
	Status   news.Status // "" for all
	AuthorID int64       // 0 for anyone's
	Channel  string      // subtree; "" for all
	Language string
	Limit    int
	Offset   int
}

// NewsroomArticles lists articles for the newsroom, most recently updated
// first, with the total for pagination. Bodies are not loaded.
func (q *queries) NewsroomArticles(ctx context.Context, nq NewsroomQuery) ([]news.Article, int, error) {
	where := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if nq.Status != "" {
		where = append(where, "a.status = "+arg(string(nq.Status)))
	}
	if nq.AuthorID != 0 {
		where = append(where, "a.author_id = "+arg(nq.AuthorID))
	}
	if nq.Language != "" {
		where = append(where, "a.language = "+arg(nq.Language))
	}
	if nq.Channel != "" {
		where = append(where, "(c.path = "+arg(nq.Channel)+" OR c.path LIKE "+arg(likeEscaper.Replace(nq.Channel)+"/%")+` ESCAPE '\')`)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*)`+articleFrom+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count articles: %w", err)
	}
	if nq.Limit <= 0 || nq.Limit > 200 {
		nq.Limit = 50
	}
	out, err := q.articleList(ctx, w+` ORDER BY a.updated_at DESC, a.id DESC LIMIT `+arg(nq.Limit)+` OFFSET `+arg(nq.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list articles: %w", err)
	}
	return out, total, nil
}

// articleList runs a listing query (everything after FROM ... JOIN) and scans
// the articles without their bodies.
func (q *queries) articleList(ctx context.Context, where string, args ...any) ([]news.Article, error) {
	return q.list(ctx, false, where, args...)
}

// list is articleList, or with brief a listing of briefColumns only.
func (q *queries) list(ctx context.Context, brief bool, where string, args ...any) ([]news.Article, error) {
	if brief {
		return q.listOf(ctx, briefColumns, scanBrief, where, args...)
	}
	return q.listOf(ctx, strings.Replace(articleColumns, "a.body_html", "''", 1), scanArticle, where, args...)
}

// listOf lists the articles where selects, reading cols with scan.
func (q *queries) listOf(ctx context.Context, cols string, scan func(scanner) (news.Article, error), where string, args ...any) ([]news.Article, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+cols+articleFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
