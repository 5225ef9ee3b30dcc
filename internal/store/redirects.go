package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// Redirect finds where an old path now lives, or news.ErrNotFound.
func (q *queries) Redirect(ctx context.Context, from string) (string, error) {
	var to string
	err := q.q.QueryRowContext(ctx, `SELECT to_path FROM redirects WHERE from_path = $1`, from).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("redirect %q: %w", from, news.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("redirect %q: %w", from, err)
	}
	return to, nil
}

// AddRedirect records that from now lives at to. Older redirects that pointed
// at from are moved to point at to, so readers never follow a chain, and a
// redirect out of to is dropped, since to holds content again.
func (q *queries) AddRedirect(ctx context.Context, from, to string, now time.Time) error {
	if from == to {
		return nil
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM redirects WHERE from_path = $1`, to); err != nil {
		return fmt.Errorf("redirect %s → %s: %w", from, to, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE redirects SET to_path = $1 WHERE to_path = $2`, to, from); err != nil {
		return fmt.Errorf("redirect %s → %s: %w", from, to, err)
	}
	if _, err := q.q.ExecContext(ctx,
		`INSERT INTO redirects (from_path, to_path, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT (from_path) DO UPDATE SET to_path = excluded.to_path`, from, to, now.UTC()); err != nil {
		return fmt.Errorf("redirect %s → %s: %w", from, to, err)
	}
	return nil
}
