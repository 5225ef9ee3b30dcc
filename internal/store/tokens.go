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

// APIToken is a personal token for the JSON API. Only the hash of its
// secret is stored; the token itself is shown once when it is made.
type APIToken struct {
	ID         string // public part, shown in lists
	UserID     int64
	Name       string
	SecretHash string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Usable reports whether the token may authenticate at now.
func (t APIToken) Usable(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateToken stores a new token.
func (q *queries) CreateToken(ctx context.Context, t APIToken) error {
	scopes, _ := json.Marshal(t.Scopes)
	_, err := q.q.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, secret_hash, scopes, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.Name, t.SecretHash, string(scopes), t.CreatedAt.UTC(), nullTime(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create token %s: %w", t.Name, err)
	}
	return nil
}

const tokenColumns = `id, user_id, name, secret_hash, scopes, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (APIToken, error) {
	var t APIToken
	var scopes string
	var exp, used, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.SecretHash, &scopes, &t.CreatedAt, &exp, &used, &revoked); err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
		return t, fmt.Errorf("token %s scopes: %w", t.ID, err)
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timeOf(exp), timeOf(used), timeOf(revoked)
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
}

// TokenByID loads a token by its public id.
func (q *queries) TokenByID(ctx context.Context, id string) (APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token %s: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("token %s: %w", id, err)
	}
	return t, nil
}

// UserTokens lists a user's tokens, newest first.
func (q *queries) UserTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TouchToken records a use of the token.
func (q *queries) TouchToken(ctx context.Context, id string, now time.Time) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now.UTC(), id); err != nil {
		return fmt.Errorf("token %s: %w", id, err)
	}
	return nil
}

// RevokeToken revokes one of a user's tokens.
func (q *queries) RevokeToken(ctx context.Context, userID int64, id string, now time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, now.UTC(), id, userID)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	return mustAffect(res, "token "+id)
}
