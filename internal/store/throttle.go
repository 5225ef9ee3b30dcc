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
// forgotten first. The count is bumped in one statement, so failures that
// nodes record at the same moment are all counted (reading the row and
// writing it back lost some), and the block only ever grows.
func (q *queries) RecordFailure(ctx context.Context, key string, now time.Time, reset time.Duration, block func(failures int) time.Duration) (Throttle, error) {
	t := Throttle{LastFailure: now.UTC()}
	err := q.q.QueryRowContext(ctx, `INSERT INTO login_throttle (key, failures, last_failure, blocked_until) VALUES ($1, 1, $2, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_throttle.last_failure < $3 THEN 1 ELSE login_throttle.failures + 1 END,
			last_failure = excluded.last_failure
		RETURNING failures`, key, t.LastFailure, t.LastFailure.Add(-reset)).Scan(&t.Failures)
	if err != nil {
		return t, fmt.Errorf("throttle %s: %w", key, err)
	}
	t.BlockedUntil = now.Add(block(t.Failures)).UTC()
	if _, err := q.q.ExecContext(ctx, `UPDATE login_throttle SET blocked_until = $1 WHERE key = $2 AND blocked_until < $1`,
		t.BlockedUntil, key); err != nil {
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
