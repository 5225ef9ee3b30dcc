package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"newsdesk/internal/news"
)

const mediaColumns = `id, hash, kind, mime, ext, filename, width, height, bytes, alt, caption, credit, variants,
	COALESCE(uploaded_by, 0), created_at`

func scanMedia(row scanner) (news.Media, error) {
	var m news.Media
	var kind, variants string
	err := row.Scan(&m.ID, &m.Hash, &kind, &m.MIME, &m.Ext, &m.Filename, &m.Width, &m.Height, &m.Bytes,
		&m.Alt, &m.Caption, &m.Credit, &variants, &m.UploadedBy, &m.CreatedAt)
	if err != nil {
		return m, err
	}
	m.Kind = news.MediaKind(kind)
	m.CreatedAt = m.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(variants), &m.Variants); err != nil {
		return m, fmt.Errorf("media %d variants: %w", m.ID, err)
	}
	if len(m.Variants) == 0 {
		m.Variants = nil
	}
	return m, nil
}

func (q *queries) oneMedia(ctx context.Context, what, where string, args ...any) (news.Media, error) {
	m, err := scanMedia(q.q.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("media %s: %w", what, news.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("media %s: %w", what, err)
	}
	return m, nil
}

// MediaByID loads one library file.
func (q *queries) MediaByID(ctx context.Context, id int64) (news.Media, error) {
	return q.oneMedia(ctx, strconv.FormatInt(id, 10), `WHERE id = $1`, id)
}

// MediaByHash loads the library file with the given content hash.
func (q *queries) MediaByHash(ctx context.Context, hash string) (news.Media, error) {
	return q.oneMedia(ctx, hash, `WHERE hash = $1`, hash)
}

// MediaByHashes loads the library files among hashes, in no order; hashes
// that name none are left out.
func (q *queries) MediaByHashes(ctx context.Context, hashes []string) ([]news.Media, error) {
	var out []news.Media
	for from := 0; from < len(hashes); from += maxFilterIDs {
		marks, args := inList(hashes[from:min(from+maxFilterIDs, len(hashes))], 1)
		list, err := q.mediaList(ctx, `WHERE hash IN (`+marks+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// MediaByIDs loads the library files among ids, in the order of ids; ids
// that name none are left out.
func (q *queries) MediaByIDs(ctx context.Context, ids []int64) ([]news.Media, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID := map[int64]news.Media{}
	for from := 0; from < len(ids); from += maxFilterIDs {
		marks, args := inList(ids[from:min(from+maxFilterIDs, len(ids))], 1)
		list, err := q.mediaList(ctx, `WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			byID[m.ID] = m
		}
	}
	out := make([]news.Media, 0, len(byID))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

func (q *queries) mediaList(ctx context.Context, where string, args ...any) ([]news.Media, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	defer rows.Close()
	var out []news.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("list media: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// InsertMedia records a new library file and returns its id. The unique
// index on hash refuses a second row for the same bytes; the media service
// looks for the first one before it inserts.
func (q *queries) InsertMedia(ctx context.Context, m news.Media) (int64, error) {
	variants, err := json.Marshal(variantsOrEmpty(m.Variants))
	if err != nil {
		return 0, fmt.Errorf("media %s variants: %w", m.Hash, err)
	}
	var id int64
	err = q.q.QueryRowContext(ctx, `INSERT INTO media (hash, kind, mime, ext, filename, width, height, bytes, alt, caption,
		credit, variants, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		m.Hash, string(m.Kind), m.MIME, m.Ext, m.Filename, m.Width, m.Height, m.Bytes, m.Alt, m.Caption, m.Credit,
		string(variants), nullID(m.UploadedBy), m.CreatedAt.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert media %q: %w", m.Filename, err)
	}
	return id, nil
}

func variantsOrEmpty(v []news.Variant) []news.Variant {
	if v == nil {
		return []news.Variant{}
	}
	return v
}

// UpdateMediaText changes what the newsroom writes about a file: its alt
// text, caption and credit.
func (q *queries) UpdateMediaText(ctx context.Context, id int64, alt, caption, credit string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4`, alt, caption, credit, id)
	if err != nil {
		return fmt.Errorf("update media %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("media %d: %w", id, news.ErrNotFound)
	}
	return nil
}

// MediaQuery selects library files for the library page, the picker and
// the API.
type MediaQuery struct {
	// Search matches the file name, caption, credit and alt text,
	// case-insensitively (ASCII), as a substring.
	Search string
	Kind   news.MediaKind // "" for both
	Limit  int
	Offset int
}

// ListMedia lists library files, newest first, with the total for
// pagination.
func (q *queries) ListMedia(ctx context.Context, mq MediaQuery) ([]news.Media, int, error) {
	where := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if s := strings.TrimSpace(mq.Search); s != "" {
		p := arg("%" + likeEscaper.Replace(strings.ToLower(s)) + "%")
		var ors []string
		for _, col := range []string{"filename", "caption", "credit", "alt"} {
			ors = append(ors, "LOWER("+col+") LIKE "+p+` ESCAPE '\'`)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if mq.Kind != "" {
		where = append(where, "kind = "+arg(string(mq.Kind)))
	}
	w := "WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM media `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count media: %w", err)
	}
	if mq.Limit <= 0 || mq.Limit > 200 {
		mq.Limit = 50
	}
	list, err := q.mediaList(ctx, w+` ORDER BY created_at DESC, id DESC LIMIT `+arg(mq.Limit)+` OFFSET `+arg(mq.Offset), args...)
	return list, total, err
}

// ArticleAttachments lists the ids of an article's downloads, in order.
func (q *queries) ArticleAttachments(ctx context.Context, articleID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT media_id FROM article_attachments WHERE article_id = $1 ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("article %d attachments: %w", articleID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("article %d attachments: %w", articleID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// saveAttachments replaces an article's downloads.
func (q *queries) saveAttachments(ctx context.Context, articleID int64, ids []int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM article_attachments WHERE article_id = $1`, articleID); err != nil {
		return fmt.Errorf("article %d attachments: %w", articleID, err)
	}
	seen := map[int64]bool{}
	pos := 0
	for _, id := range ids {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		pos++
		if _, err := q.q.ExecContext(ctx, `INSERT INTO article_attachments (article_id, media_id, position) VALUES ($1, $2, $3)`,
			articleID, id, pos); err != nil {
			return fmt.Errorf("article %d attachment %d: %w", articleID, id, err)
		}
	}
	return nil
}

// MediaUse is an article that shows a library file.
type MediaUse struct {
	ArticleID int64
	Headline  string
	How       string // "lead", "attachment" or "body"
}

// MediaUses lists the articles that show m: as lead image, as a download,
// or in their body (by its URL or a variant's).
func (q *queries) MediaUses(ctx context.Context, m news.Media) ([]MediaUse, error) {
	rows, err := q.q.QueryContext(ctx, `
		SELECT id, headline, 'lead' FROM articles WHERE lead_media_id = $1
		UNION ALL
		SELECT a.id, a.headline, 'attachment' FROM article_attachments t JOIN articles a ON a.id = t.article_id WHERE t.media_id = $1
		UNION ALL
		SELECT id, headline, 'body' FROM articles WHERE body_html LIKE $2
		ORDER BY 1, 3`, m.ID, "%/media/"+m.Hash+"%")
	if err != nil {
		return nil, fmt.Errorf("media %d uses: %w", m.ID, err)
	}
	defer rows.Close()
	var out []MediaUse
	for rows.Next() {
		var u MediaUse
		if err := rows.Scan(&u.ArticleID, &u.Headline, &u.How); err != nil {
			return nil, fmt.Errorf("media %d uses: %w", m.ID, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// DeleteMedia removes a library file's record; the caller checked that no
// article shows it.
func (q *queries) DeleteMedia(ctx context.Context, id int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM media WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete media %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("media %d: %w", id, news.ErrNotFound)
	}
	return nil
}
