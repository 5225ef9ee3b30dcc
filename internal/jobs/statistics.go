package jobs

import (
	"context"
	"log/slog"
	"time"

	"newsdesk/internal/store"
)

// Statistics keeps the query planner's statistics current (see
// store.RefreshStatistics): once at start, then every Every (default 6 h).
type Statistics struct {
	Store *store.Store
	Log   *slog.Logger
	Every time.Duration
}

// Run refreshes until ctx ends.
func (j *Statistics) Run(ctx context.Context) {
	every := j.Every
	if every <= 0 {
		every = 6 * time.Hour
	}
	for {
		if err := j.Store.RefreshStatistics(ctx); err != nil && ctx.Err() == nil {
			j.Log.Warn("planner statistics", "err", err)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
