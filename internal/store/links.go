package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// Link purposes.
const (
	LinkSetup  = "setup"  // create the first administrator
	LinkInvite = "invite" // a new user sets a password
	LinkReset  = "reset"  // a user sets a new password
)

// Link is a one-time link (setup, invitation, password reset); only the hash
// of its token is stored.
type Link struct {
	Hash      string
	Purpose   string
	UserID    int64
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// CreateLink stores a one-time link.
func (q *queries) CreateLink(ctx context.Context, l Link) error {
	var user, by any
	if l.UserID != 0 {
		user = l.UserID
	}
	if l.CreatedBy != 0 {
		by = l.CreatedBy
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO one_time_links (hash, purpose, user_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.Hash, l.Purpose, user, by, l.CreatedAt.UTC(), l.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create %s link: %w", l.Purpose, err)
	}
	return nil
}

// LiveLink finds an unused, unexpired link of the purpose.
func (q *queries) LiveLink(ctx context.Context, hash, purpose string, now time.Time) (Link, error) {
	var l Link
	var user, by sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT hash, purpose, user_id, created_by, created_at, expires_at FROM one_time_links
		WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, hash, purpose, now.UTC()).
		Scan(&l.Hash, &l.Purpose, &user, &by, &l.CreatedAt, &l.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("%s link: %w", purpose, news.ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("%s link: %w", purpose, err)
	}
	l.UserID, l.CreatedBy = user.Int64, by.Int64
	return l, nil
}

// UseLink marks a link used; it reports false when it was already used or
// has expired, so each link works exactly once.
func (q *queries) UseLink(ctx context.Context, hash string, now time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE one_time_links SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $1`, now.UTC(), hash)
	if err != nil {
		return false, fmt.Errorf("use link: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ExpireLinks ends every live link of the purpose (e.g. older setup links
// when a new one is made).
func (q *queries) ExpireLinks(ctx context.Context, purpose string, userID int64, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE one_time_links SET expires_at = $1 WHERE purpose = $2 AND COALESCE(user_id, 0) = $3 AND used_at IS NULL AND expires_at > $1`,
		now.UTC(), purpose, userID)
	if err != nil {
		return fmt.Errorf("expire %s links: %w", purpose, err)
	}
	return nil
}
