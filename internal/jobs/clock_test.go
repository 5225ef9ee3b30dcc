package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"newsdesk/internal/jobs"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// schedule stores a scheduled article due at at.
func schedule(t *testing.T, s *store.Store, slug string, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		c, _, err := tx.UpsertChannel(ctx, news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "News"}})
		if err != nil {
			return err
		}
		id, err = tx.SaveArticle(ctx, news.Article{Language: "en", ChannelID: c, ChannelPath: "news", Headline: slug, Slug: slug,
			Status: news.StatusScheduled, ReleaseAt: at, CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(-time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPublishClock(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.New(t, dialect)
			now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
			c := &jobs.PublishClock{Store: s, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
			longAgo := schedule(t, s, "fell-due-while-stopped", now.Add(-time.Hour))
			soon := schedule(t, s, "due-soon", now.Add(time.Second))

			res, err := c.RunOnce(ctx)
			if err != nil || res.Published != 1 || res.Late != 1 {
				t.Fatalf("catch-up pass: %+v %v", res, err)
			}
			if a, _ := s.ArticleByID(ctx, soon); a.Status != news.StatusScheduled {
				t.Errorf("published before its time: %s", a.Status)
			}
			now = now.Add(999 * time.Millisecond)
			if res, _ := c.RunOnce(ctx); res.Published != 0 {
				t.Errorf("published a millisecond early")
			}
			now = now.Add(time.Millisecond)
			if res, err := c.RunOnce(ctx); err != nil || res.Published != 1 || res.Late != 0 {
				t.Errorf("on time: %+v %v", res, err)
			}
			if res, _ := c.RunOnce(ctx); res.Published != 0 {
				t.Errorf("published twice")
			}
			changes, err := s.Changes(ctx, 0, 10)
			if err != nil || len(changes) != 2 || changes[0].ArticleID != longAgo || changes[0].Details["late_by"] == "" ||
				changes[1].ArticleID != soon || changes[1].Kind != news.ChangePublish {
				t.Errorf("change log: %+v %v", changes, err)
			}
			if next, err := s.NextScheduled(ctx); err != nil || !next.IsZero() {
				t.Errorf("next scheduled after all published: %v %v", next, err)
			}
		})
	}
}
