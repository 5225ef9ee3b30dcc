package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Late is how far past its time a publication is logged as late (it fell
// due while no node was running, or the database was slow).
const Late = 2 * time.Second

// PublishClock publishes scheduled articles when they fall due.
//
// Readers never wait for it: the store's visibility rule shows a scheduled
// article from its time on, to the microsecond. The clock makes the
// publication durable in the article's status and tells the change log, so
// caches, search and feeds follow; its conditional update makes each
// article's publication happen once across nodes.
type PublishClock struct {
	Store *store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// Poll bounds how long the clock sleeps, so schedules made on another
	// node are seen in time. Defaults to one second.
	Poll time.Duration
	// Published, when set, hears each publication's delay after its due
	// time (metrics).
	Published func(delay time.Duration)
}

// Result counts what one pass did.
type Result struct {
	Published int
	Late      int
	// MaxDelay is the longest time between an article's due time and its
	// publication in this pass.
	MaxDelay time.Duration
}

// batch is how many due articles one transaction publishes: one flush for
// many, so a burst of articles due in the same second goes out together.
const batch = 50

// RunOnce publishes everything due now.
func (c *PublishClock) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	for {
		now := c.Now().UTC()
		due, err := c.Store.DueScheduled(ctx, now, 200)
		if err != nil {
			return res, err
		}
		for i := 0; i < len(due); i += batch {
			chunk := due[i:min(i+batch, len(due))]
			done, err := c.publish(ctx, chunk, now)
			if err != nil {
				return res, err
			}
			for _, d := range done { // the others were published by another node
				delay := now.Sub(d.VisibleFrom)
				if c.Published != nil {
					c.Published(delay)
				}
				res.Published++
				res.MaxDelay = max(res.MaxDelay, delay)
				if delay > Late {
					res.Late++
					c.Log.Warn("published late", "article", d.ArticleID, "due", d.VisibleFrom, "late_by", delay.Round(time.Millisecond))
				} else {
					c.Log.Info("published", "article", d.ArticleID, "due", d.VisibleFrom)
				}
			}
		}
		if len(due) < 200 {
			return res, nil
		}
	}
}

// publish flips due articles and logs each, in one transaction: a crash
// loses nothing, and a second node finds nothing left to do.
func (c *PublishClock) publish(ctx context.Context, due []store.Due, now time.Time) ([]store.Due, error) {
	var done []store.Due
	err := c.Store.InTx(ctx, func(tx *store.Tx) error {
		done = done[:0]
		for _, d := range due {
			ok, err := tx.MarkPublished(ctx, d.ArticleID, now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			details := map[string]string{"due": d.VisibleFrom.Format(time.RFC3339Nano)}
			if late := now.Sub(d.VisibleFrom); late > Late {
				details["late_by"] = late.Round(time.Millisecond).String()
			}
			if _, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: d.ArticleID, Kind: news.ChangePublish, Details: details}); err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "system", Action: "article.publish",
				Target: fmt.Sprintf("article %d", d.ArticleID), Details: details}); err != nil {
				return err
			}
			done = append(done, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done, nil
}

// Run publishes until ctx ends: first everything that fell due while no
// node ran, then each article at its time, sleeping until the next one is
// due (at most Poll, to notice new schedules).
func (c *PublishClock) Run(ctx context.Context) {
	poll := c.Poll
	if poll <= 0 {
		poll = time.Second
	}
	first := true
	for {
		res, err := c.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			c.Log.Error("publish clock", "err", err)
		}
		if first && res.Published > 0 {
			c.Log.Info("publish clock caught up", "published", res.Published, "late", res.Late)
		}
		first = false
		wait := poll
		if next, err := c.Store.NextScheduled(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(c.Now()); d < wait {
				wait = max(d, time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
