package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Due is a scheduled article whose time has come.
type Due struct {
	ArticleID   int64
	VisibleFrom time.Time
}

// DueScheduled lists scheduled articles visible at now, oldest first.
func (q *queries) DueScheduled(ctx context.Context, now time.Time, limit int) ([]Due, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, visible_from FROM articles WHERE status = 'scheduled' AND visible_from <= $1
		ORDER BY visible_from, id LIMIT $2`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due articles: %w", err)
	}
	defer rows.Close()
	var out []Due
	for rows.Next() {
		var d Due
		if err := rows.Scan(&d.ArticleID, &d.VisibleFrom); err != nil {
			return nil, fmt.Errorf("due articles: %w", err)
		}
		d.VisibleFrom = d.VisibleFrom.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// NextScheduled returns when the next scheduled article becomes visible, or
// the zero time when none is waiting.
func (q *queries) NextScheduled(ctx context.Context) (time.Time, error) {
	// Not MIN(visible_from): SQLite hands an aggregate back as text, which
	// does not scan into a time; the column itself keeps its declared type.
	var t sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT visible_from FROM articles WHERE status = 'scheduled'
		ORDER BY visible_from LIMIT 1`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("next scheduled: %w", err)
	}
	return timeOf(t), nil
}

// MarkPublished flips one due article from scheduled to published. It
// reports false when another node (or an earlier run) already did, which is
// what makes each publication happen exactly once.
func (tx *Tx) MarkPublished(ctx context.Context, articleID int64, now time.Time) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE articles SET status = 'published' WHERE id = $1 AND status = 'scheduled' AND visible_from <= $2`,
		articleID, now.UTC())
	if err != nil {
		return false, fmt.Errorf("publish article %d: %w", articleID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
