package store

import (
	"context"
	"fmt"
	"time"
)

// AddRequests adds n requests to key's count for the window starting at
// window and returns the total every node has added so far.
func (q *queries) AddRequests(ctx context.Context, key string, window time.Time, n int64) (int64, error) {
	var total int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO rate_counts (key, window_start, count) VALUES ($1, $2, $3)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counts.count + excluded.count
		RETURNING count`, key, window.UTC(), n).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("rate count %s: %w", key, err)
	}
	return total, nil
}

// PruneRequests forgets windows that started before before.
func (q *queries) PruneRequests(ctx context.Context, before time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM rate_counts WHERE window_start < $1`, before.UTC()); err != nil {
		return fmt.Errorf("prune rate counts: %w", err)
	}
	return nil
}
