package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is one signed-in browser, as the sessions page lists it. Only a
// hash of the cookie's token is stored, so reading the database does not
// let anyone take a session over.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	Expiry    time.Time
	IP        string
	UserAgent string
}

// SessionData finds a live session's data by token hash.
func (q *queries) SessionData(ctx context.Context, tokenHash string, now time.Time) ([]byte, bool, error) {
	var data []byte
	err := q.q.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token_hash = $1 AND expiry > $2`, tokenHash, now.UTC()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// SaveSession creates or updates a session. userID 0 is a session nobody has
// signed in to yet (a sign-in form's state).
func (q *queries) SaveSession(ctx context.Context, s Session, data []byte) error {
	var user any
	if s.UserID != 0 {
		user = s.UserID
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, data, expiry, user_id, created_at, last_seen, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry,
			user_id = excluded.user_id, last_seen = excluded.last_seen, ip = excluded.ip, user_agent = excluded.user_agent`,
		s.TokenHash, data, s.Expiry.UTC(), user, s.LastSeen.UTC(), s.IP, s.UserAgent)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (q *queries) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSession ends one of a user's sessions; it reports whether there
// was one, so a user can only revoke their own.
func (q *queries) DeleteUserSession(ctx context.Context, userID int64, tokenHash string) (bool, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2`, tokenHash, userID)
	if err != nil {
		return false, fmt.Errorf("revoke session: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteUserSessions ends every session of a user except keep (a token hash,
// or "" for all) and returns how many ended.
func (q *queries) DeleteUserSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}

// UserSessions lists a user's live sessions, most recently seen first.
func (q *queries) UserSessions(ctx context.Context, userID int64, now time.Time) ([]Session, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT token_hash, user_id, created_at, last_seen, expiry, ip, user_agent
		FROM sessions WHERE user_id = $1 AND expiry > $2 ORDER BY last_seen DESC`, userID, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeen, &s.Expiry, &s.IP, &s.UserAgent); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteExpiredSessions removes sessions past their expiry.
func (q *queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
