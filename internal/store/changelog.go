package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// Change is one entry of the change log: something readers could notice
// happened to an article. Search, caches, feeds and static export read the
// log in order and remember the last seq they applied.
type Change struct {
	Seq       int64
	At        time.Time
	ArticleID int64
	Kind      news.ChangeKind
	Details   map[string]string
}

// AppendChange adds a change at the end of the log. Call it inside the
// transaction that makes the change; appends are serialised so that seq
// order is commit order on every node.
func (tx *Tx) AppendChange(ctx context.Context, c Change) (Change, error) {
	if err := tx.d.lockChangeLog(ctx, tx.tx); err != nil {
		return c, fmt.Errorf("change log: %w", err)
	}
	var last sql.NullInt64
	if err := tx.tx.QueryRowContext(ctx, `SELECT MAX(seq) FROM change_log`).Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("change log: %w", err)
	}
	c.Seq = last.Int64 + 1
	c.At = c.At.UTC().Truncate(time.Microsecond)
	if c.Details == nil {
		c.Details = map[string]string{}
	}
	details, _ := json.Marshal(c.Details)
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO change_log (seq, at, article_id, kind, details) VALUES ($1, $2, $3, $4, $5)`,
		c.Seq, c.At, c.ArticleID, string(c.Kind), string(details)); err != nil {
		return c, fmt.Errorf("change log: %w", err)
	}
	if err := tx.d.notifyChange(ctx, tx.tx, c.Seq); err != nil {
		return c, fmt.Errorf("change log: %w", err)
	}
	tx.changed = true
	return c, nil
}

// Changes lists up to limit changes after seq, oldest first.
func (q *queries) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := q.q.QueryContext(ctx, `SELECT seq, at, article_id, kind, details FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("change log: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var kind, details string
		if err := rows.Scan(&c.Seq, &c.At, &c.ArticleID, &kind, &details); err != nil {
			return nil, fmt.Errorf("change log: %w", err)
		}
		c.Kind, c.At = news.ChangeKind(kind), c.At.UTC()
		if err := json.Unmarshal([]byte(details), &c.Details); err != nil {
			return nil, fmt.Errorf("change log %d: %w", c.Seq, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastChange is the seq of the newest change, 0 when the log is empty:
// where a follower that starts with nothing to catch up on begins.
func (q *queries) LastChange(ctx context.Context) (int64, error) {
	var last sql.NullInt64
	if err := q.q.QueryRowContext(ctx, `SELECT MAX(seq) FROM change_log`).Scan(&last); err != nil {
		return 0, fmt.Errorf("change log: %w", err)
	}
	return last.Int64, nil
}
