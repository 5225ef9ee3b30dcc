package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// Pins are lead stories editors put, in order, at the top of a language's
// home page or of a channel's listing. A pin never overrides visibility: a
// pinned article shows only while readers may see it and it is listed.

// HomeScope is the pin scope of the home page of lang.
func HomeScope(lang string) string { return "home:" + lang }

// ChannelScope is the pin scope of the listing of the channel at path.
func ChannelScope(path string) string { return "channel:" + path }

// Pin is one place an article is pinned: its scope and position (1 first).
type Pin struct {
	Scope    string
	Position int
}

// SetPin pins the article in scope at position (1 = first), or moves it
// there; the scope's other pins shift so positions stay 1, 2, 3, ...
func (q *queries) SetPin(ctx context.Context, scope string, articleID int64, position int) error {
	rows, err := q.q.QueryContext(ctx, `SELECT article_id FROM pins WHERE scope = $1 AND article_id <> $2 ORDER BY position, article_id`,
		scope, articleID)
	if err != nil {
		return fmt.Errorf("pin article %d on %s: %w", articleID, scope, err)
	}
	var order []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("pin article %d on %s: %w", articleID, scope, err)
		}
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pin article %d on %s: %w", articleID, scope, err)
	}
	at := min(max(position, 1)-1, len(order))
	order = append(order[:at], append([]int64{articleID}, order[at:]...)...)
	for i, id := range order {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO pins (scope, article_id, position) VALUES ($1, $2, $3)
			ON CONFLICT (scope, article_id) DO UPDATE SET position = excluded.position`, scope, id, i+1); err != nil {
			return fmt.Errorf("pin article %d on %s: %w", id, scope, err)
		}
	}
	return nil
}

// RemovePin unpins the article from scope; it is not an error when it was
// not pinned there.
func (q *queries) RemovePin(ctx context.Context, scope string, articleID int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM pins WHERE scope = $1 AND article_id = $2`, scope, articleID); err != nil {
		return fmt.Errorf("unpin article %d from %s: %w", articleID, scope, err)
	}
	return nil
}

// Pins lists where the article is pinned, by scope.
func (q *queries) Pins(ctx context.Context, articleID int64) ([]Pin, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT scope, position FROM pins WHERE article_id = $1 ORDER BY scope`, articleID)
	if err != nil {
		return nil, fmt.Errorf("pins of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []Pin
	for rows.Next() {
		var p Pin
		if err := rows.Scan(&p.Scope, &p.Position); err != nil {
			return nil, fmt.Errorf("pins of article %d: %w", articleID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PinnedVisible lists the articles pinned in scope that readers of lang may
// see at now and that are listed (the same rule as VisibleArticles), in
// position order, at most limit of them (all when limit <= 0). Bodies are
// not loaded. A channel scope only shows articles still filed in that
// channel or below it.
func (q *queries) PinnedVisible(ctx context.Context, scope, lang string, now time.Time, limit int) ([]news.Article, error) {
	where := `JOIN pins p ON p.article_id = a.id WHERE` + visibleAt + listed + `AND a.language = $2 AND p.scope = $3`
	args := []any{now.UTC(), lang, scope}
	if path, ok := strings.CutPrefix(scope, "channel:"); ok {
		where, args = inSubtree(where, args, path)
	}
	where += ` ORDER BY p.position, a.release_at DESC, a.id DESC`
	if limit > 0 {
		args = append(args, limit)
		where += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	list, err := q.articleList(ctx, where, args...)
	if err != nil {
		return nil, fmt.Errorf("pinned articles of %s: %w", scope, err)
	}
	return list, nil
}

// movePins makes channel pins on the subtree at root name its new paths.
func (tx *Tx) movePins(ctx context.Context, subtree map[int64]string, moved func(string) string) error {
	for _, path := range subtree {
		to := ChannelScope(moved(path))
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM pins WHERE scope = $1`, to); err != nil {
			return fmt.Errorf("move pins of %s: %w", path, err)
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE pins SET scope = $1 WHERE scope = $2`, to, ChannelScope(path)); err != nil {
			return fmt.Errorf("move pins of %s: %w", path, err)
		}
	}
	return nil
}
