package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Throttle is the failure record of one sign-in key ("ip:…" or
// "account:…"). It lives in the database so limits hold across restarts and
// across nodes sharing one PostgreSQL.
type Throttle struct {
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
}

// ThrottleOf loads a key's record; an unknown key has none.
func (q *queries) ThrottleOf(ctx context.Context, key string) (Throttle, error) {
	var t Throttle
	err := q.q.QueryRowContext(ctx, `SELECT failures, last_failure, blocked_until FROM login_throttle WHERE key = $1`, key).
		Scan(&t.Failures, &t.LastFailure, &t.BlockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return Throttle{}, nil
	}
	if err != nil {
		return t, fmt.Errorf("throttle %s: %w", key, err)
	}
	return t, nil
}

// RecordFailure counts one more failure for key and blocks it until the
// time block returns for the new count. Failures older than reset are
// forgotten first.
func (q *queries) RecordFailure(ctx context.Context, key string, now time.Time, reset time.Duration, block func(failures int) time.Duration) (Throttle, error) {
	t, err := q.ThrottleOf(ctx, key)
	if err != nil {
		return t, err
	}
	if !t.LastFailure.IsZero() && now.Sub(t.LastFailure) > reset {
		t.Failures = 0
	}
	t.Failures++
	t.LastFailure = now.UTC()
	t.BlockedUntil = now.Add(block(t.Failures)).UTC()
	_, err = q.q.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_failure, blocked_until) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, blocked_until = excluded.blocked_until`,
		key, t.Failures, t.LastFailure, t.BlockedUntil)
	if err != nil {
		return t, fmt.Errorf("throttle %s: %w", key, err)
	}
	return t, nil
}

// ClearThrottle forgets a key's failures after a successful sign-in.
func (q *queries) ClearThrottle(ctx context.Context, key string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("throttle %s: %w", key, err)
	}
	return nil
}
