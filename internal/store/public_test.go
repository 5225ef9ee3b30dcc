package store_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// publicNow is the reader's clock in these tests.
var publicNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func slugsOf(list []news.Article) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.Slug)
	}
	return out
}

func TestVisibleTaggedArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		day := func(n int) time.Time { return publicNow.Add(time.Duration(-n) * 24 * time.Hour) }
		mk := func(slug string, released time.Time, tags ...string) news.Article {
			a := article(ids["news/world"], slug, released)
			a.Tags = tags
			return a
		}
		save(t, s, mk("old-grid", day(3), "grid", "电网"))
		save(t, s, mk("new-grid", day(1), "grid"))
		save(t, s, mk("solar", day(2), "solar"))
		future := mk("future-grid", publicNow.Add(time.Second), "grid")
		save(t, s, future)
		embargoed := mk("embargoed-grid", day(1), "grid")
		embargoed.EmbargoUntil = publicNow.Add(time.Hour)
		save(t, s, embargoed)
		draft := mk("draft-grid", day(1), "grid")
		draft.Status = news.StatusDraft
		save(t, s, draft)
		retracted := mk("retracted-grid", day(1), "grid")
		retracted.Status, retracted.RetractionNote, retracted.RetractedAt = news.StatusRetracted, "Wrong.", day(0)
		save(t, s, retracted)
		zh := mk("zh-grid", day(1), "grid", "电网")
		zh.Language = "zh"
		save(t, s, zh)
		save(t, s, mk("similar", day(1), "grids", "Grid", "grid%"))

		cases := []struct {
			name  string
			q     store.TagQuery
			want  []string
			total int
		}{
			{"newest first, only visible and listed", store.TagQuery{Language: "en", Tag: "grid", Now: publicNow}, []string{"new-grid", "old-grid"}, 2},
			{"scheduled shows at its time", store.TagQuery{Language: "en", Tag: "grid", Now: publicNow.Add(time.Second)}, []string{"future-grid", "new-grid", "old-grid"}, 3},
			{"embargo lifts", store.TagQuery{Language: "en", Tag: "grid", Now: publicNow.Add(time.Hour)}, []string{"future-grid", "embargoed-grid", "new-grid", "old-grid"}, 4},
			{"limit and offset", store.TagQuery{Language: "en", Tag: "grid", Now: publicNow, Limit: 1, Offset: 1}, []string{"old-grid"}, 2},
			{"Chinese tag", store.TagQuery{Language: "en", Tag: "电网", Now: publicNow}, []string{"old-grid"}, 1},
			{"other language", store.TagQuery{Language: "zh", Tag: "电网", Now: publicNow}, []string{"zh-grid"}, 1},
			{"exact match, no wildcards", store.TagQuery{Language: "en", Tag: "gri_", Now: publicNow}, []string{}, 0},
			{"case matters", store.TagQuery{Language: "en", Tag: "GRID", Now: publicNow}, []string{}, 0},
			{"unknown tag", store.TagQuery{Language: "en", Tag: "wind", Now: publicNow}, []string{}, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := s.VisibleTaggedArticles(ctx, c.q)
				if err != nil {
					t.Fatal(err)
				}
				if got := slugsOf(list); !reflect.DeepEqual(got, c.want) || total != c.total {
					t.Errorf("got %v (total %d), want %v (total %d)", got, total, c.want, c.total)
				}
				for _, a := range list {
					if a.BodyHTML != "" {
						t.Errorf("%s: listing loaded the body", a.Slug)
					}
				}
			})
		}
	})
}

func TestVisibleNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		at := func(h int) time.Time { return publicNow.Add(time.Duration(h) * time.Hour) }
		released := at(-100)
		mk := func(slug string) news.Article { return article(ids["news/china"], slug, released) }

		twice := mk("twice-corrected")
		twice.Corrections = []news.Correction{{At: at(-10), Note: "First fix."}, {At: at(-2), Note: "Second fix."}}
		save(t, s, twice)
		retracted := mk("retracted")
		retracted.Status, retracted.RetractionNote, retracted.RetractedAt = news.StatusRetracted, "Fabricated quote.", at(-5)
		retracted.Corrections = []news.Correction{{At: at(-20), Note: "Name spelled wrong."}}
		save(t, s, retracted)
		save(t, s, mk("never-corrected"))
		unpublished := mk("unpublished")
		unpublished.Status = news.StatusUnpublished
		unpublished.Corrections = []news.Correction{{At: at(-3), Note: "Gone with the article."}}
		save(t, s, unpublished)
		scheduled := mk("scheduled")
		scheduled.Status, scheduled.ReleaseAt = news.StatusScheduled, at(1)
		scheduled.Corrections = []news.Correction{{At: at(-1), Note: "Fixed before release."}}
		save(t, s, scheduled)
		zh := mk("zh")
		zh.Language = "zh"
		zh.Corrections = []news.Correction{{At: at(-4), Note: "更正。"}}
		save(t, s, zh)

		type line struct {
			kind store.NoticeKind
			slug string
			note string
		}
		cases := []struct {
			name  string
			q     store.NoticeQuery
			want  []line
			total int
		}{
			{"newest first, visible articles only", store.NoticeQuery{Language: "en", Now: publicNow}, []line{
				{store.NoticeCorrection, "twice-corrected", "Second fix."},
				{store.NoticeRetraction, "retracted", "Fabricated quote."},
				{store.NoticeCorrection, "twice-corrected", "First fix."},
				{store.NoticeCorrection, "retracted", "Name spelled wrong."},
			}, 4},
			{"a scheduled article's correction shows at its release", store.NoticeQuery{Language: "en", Now: at(1)}, []line{
				{store.NoticeCorrection, "scheduled", "Fixed before release."},
				{store.NoticeCorrection, "twice-corrected", "Second fix."},
				{store.NoticeRetraction, "retracted", "Fabricated quote."},
				{store.NoticeCorrection, "twice-corrected", "First fix."},
				{store.NoticeCorrection, "retracted", "Name spelled wrong."},
			}, 5},
			{"page two", store.NoticeQuery{Language: "en", Now: publicNow, Limit: 3, Offset: 3}, []line{
				{store.NoticeCorrection, "retracted", "Name spelled wrong."},
			}, 4},
			{"past the end", store.NoticeQuery{Language: "en", Now: publicNow, Limit: 3, Offset: 9}, []line{}, 4},
			{"other language", store.NoticeQuery{Language: "zh", Now: publicNow}, []line{{store.NoticeCorrection, "zh", "更正。"}}, 1},
			{"before anything was released", store.NoticeQuery{Language: "en", Now: released.Add(-time.Millisecond)}, []line{}, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := s.VisibleNotices(ctx, c.q)
				if err != nil {
					t.Fatal(err)
				}
				got := []line{}
				for _, n := range list {
					got = append(got, line{n.Kind, n.Article.Slug, n.Note})
					if n.At.IsZero() || n.Article.Headline == "" || n.Article.ChannelPath != "news/china" {
						t.Errorf("incomplete notice %+v", n)
					}
				}
				if !reflect.DeepEqual(got, c.want) || total != c.total {
					t.Errorf("got %v (total %d)\nwant %v (total %d)", got, total, c.want, c.total)
				}
			})
		}
	})
}

func TestPreviewSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// Nodes asking at once all get the one key that was stored.
		const n = 8
		keys := make([][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { keys[i], errs[i] = s.PreviewSecret(ctx) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if len(keys[i]) != 32 || !bytes.Equal(keys[i], keys[0]) {
				t.Fatalf("call %d: key %x, want the 32 bytes of %x", i, keys[i], keys[0])
			}
		}
		again, err := s.PreviewSecret(ctx)
		if err != nil || !bytes.Equal(again, keys[0]) {
			t.Errorf("later call: %x, %v; want the stored key", again, err)
		}
		if bytes.Equal(keys[0], make([]byte, 32)) {
			t.Error("the key is all zeros")
		}
		// The key lives among the settings without disturbing them.
		site, err := s.Site(ctx)
		if err != nil || fmt.Sprint(site) != fmt.Sprint(news.Site{}) {
			t.Errorf("settings after the key: %+v, %v", site, err)
		}
		// A fresh database gets a key of its own.
		other, err := storetest.New(t, s.Dialect()).PreviewSecret(ctx)
		if err != nil || bytes.Equal(other, keys[0]) {
			t.Errorf("second database: %x, %v; want a different key", other, err)
		}
	})
}

// TestBriefListings: a brief listing is the full one with only the fields
// a listing row shows, whatever else the articles hold, in channel and tag
// listings, whole or by page.
func TestBriefListings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		for i, path := range []string{"news", "news/china", "policies"} {
			a := article(ids[path], fmt.Sprintf("story-%d", i), publicNow.Add(time.Duration(-i)*time.Hour))
			a.Summary, a.Byline, a.Source, a.Editor, a.Subheading = "Summary", "By me", "Xinhua", "Leon", "Sub"
			a.URI = fmt.Sprintf("urn:story:%d", i)
			a.VersionCreated = publicNow.Add(-2 * time.Hour)
			a.Corrections = []news.Correction{{At: publicNow.Add(-time.Minute), Note: "Fixed."}}
			a.Tags = []string{"grid"}
			if i == 1 {
				a.EmbargoUntil = publicNow.Add(-30 * time.Minute)
			}
			save(t, s, a)
		}
		brief := func(a news.Article) news.Article {
			return news.Article{ID: a.ID, Language: a.Language, ChannelID: a.ChannelID, ChannelPath: a.ChannelPath,
				Headline: a.Headline, Slug: a.Slug, Summary: a.Summary, Status: a.Status,
				ReleaseAt: a.ReleaseAt, EmbargoUntil: a.EmbargoUntil, UpdatedAt: a.UpdatedAt}
		}
		cases := []struct {
			name string
			list func(brief bool) ([]news.Article, int, error)
		}{
			{"channel, all", func(b bool) ([]news.Article, int, error) {
				return s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Channel: "news", Now: publicNow, All: true, Brief: b})
			}},
			{"site, a page", func(b bool) ([]news.Article, int, error) {
				return s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Now: publicNow, Limit: 2, Offset: 1, Brief: b})
			}},
			{"tag, all", func(b bool) ([]news.Article, int, error) {
				return s.VisibleTaggedArticles(ctx, store.TagQuery{Language: "en", Tag: "grid", Now: publicNow, All: true, Brief: b})
			}},
			{"tag, a page", func(b bool) ([]news.Article, int, error) {
				return s.VisibleTaggedArticles(ctx, store.TagQuery{Language: "en", Tag: "grid", Now: publicNow, Limit: 1, Brief: b})
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				full, fullTotal, err := c.list(false)
				if err != nil {
					t.Fatal(err)
				}
				got, total, err := c.list(true)
				if err != nil {
					t.Fatal(err)
				}
				if len(full) == 0 || total != fullTotal || len(got) != len(full) {
					t.Fatalf("brief: %d listed of %d; full: %d of %d", len(got), total, len(full), fullTotal)
				}
				for i := range full {
					if want := brief(full[i]); !reflect.DeepEqual(got[i], want) {
						t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want)
					}
				}
			})
		}
	})
}

// rowFields is list with only the fields EachListedBrief reads.
func rowFields(list []news.Article) []news.Article {
	var out []news.Article
	for _, a := range list {
		out = append(out, news.Article{ID: a.ID, Language: a.Language, ChannelPath: a.ChannelPath,
			Headline: a.Headline, Slug: a.Slug, Summary: a.Summary, ReleaseAt: a.ReleaseAt})
	}
	return out
}

// TestEachListed: every channel listing (less its pins) and tag listing
// VisibleArticles and VisibleTaggedArticles give is the subsequence of
// EachListedBrief's articles that passes its filter, on the fields they
// carry and the tags EachListedTag gives: among articles released at one
// instant (ordered by id), scheduled, embargoed, drafts, retracted, of
// another language, with tags alike but for case or a wildcard, pinned.
func TestEachListed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		paths := []string{"news", "news/china", "news/china/government-dynamic", "news/chinatown", "news/world", "policies"}
		tags := [][]string{{"grid"}, {"grid", "电网"}, {"Grid"}, {"grid%", "gri_"}, nil, {"solar", "grid"}}
		var saved []int64
		for i := range 36 {
			released := publicNow.Add(time.Duration(-i/3) * time.Hour) // three at each instant
			a := article(ids[paths[i%len(paths)]], fmt.Sprintf("story-%d", i), released)
			a.Tags = tags[i%len(tags)]
			a.Summary = fmt.Sprintf("Summary %d", i)
			switch i % 9 {
			case 1:
				a.ReleaseAt = publicNow.Add(time.Minute) // scheduled
			case 2:
				a.EmbargoUntil = publicNow.Add(time.Hour)
			case 4:
				a.Status = news.StatusDraft
			case 5:
				a.Status, a.RetractionNote, a.RetractedAt = news.StatusRetracted, "Wrong.", publicNow
			case 7:
				a.Language = "zh"
			}
			saved = append(saved, save(t, s, a))
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, pin := range []struct {
				scope string
				id    int64
			}{{store.ChannelScope("news"), saved[6]}, {store.ChannelScope("news"), saved[13]}, {store.ChannelScope("news/china"), saved[10]},
				{store.ChannelScope("news/china"), saved[4]}, {store.ChannelScope("policies"), saved[12]}} {
				if err := tx.SetPin(ctx, pin.scope, pin.id, 1); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, now := range []time.Time{publicNow, publicNow.Add(time.Minute), publicNow.Add(2 * time.Hour)} {
			for _, lang := range []string{"en", "zh", "fr"} {
				var all []news.Article
				if err := s.EachListedBrief(ctx, lang, now, func(a news.Article) error {
					all = append(all, a)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				tagged := map[string]map[int64]bool{}
				if err := s.EachListedTag(ctx, lang, now, func(id int64, tag string) error {
					if tagged[tag] == nil {
						tagged[tag] = map[int64]bool{}
					}
					tagged[tag][id] = true
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				whole, _, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: lang, Now: now, All: true, Brief: true})
				if err != nil {
					t.Fatal(err)
				}
				if whole = rowFields(whole); !reflect.DeepEqual(all, whole) {
					t.Errorf("%s at %s: EachListedBrief gives %v, VisibleArticles %v", lang, now, slugsOf(all), slugsOf(whole))
				}
				for _, path := range paths {
					scope := store.ChannelScope(path)
					pinned, err := s.PinnedVisible(ctx, scope, lang, now, 0)
					if err != nil {
						t.Fatal(err)
					}
					skip := map[int64]bool{}
					for _, a := range pinned {
						skip[a.ID] = true
					}
					var cut []news.Article
					for _, a := range all {
						if (a.ChannelPath == path || strings.HasPrefix(a.ChannelPath, path+"/")) && !skip[a.ID] {
							cut = append(cut, a)
						}
					}
					want, _, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: lang, Channel: path, ExceptPinned: scope, Now: now, All: true, Brief: true})
					if err != nil {
						t.Fatal(err)
					}
					if want = rowFields(want); !reflect.DeepEqual(cut, want) {
						t.Errorf("%s %s at %s: cut %v, listed %v", lang, path, now, slugsOf(cut), slugsOf(want))
					}
				}
				for _, tag := range []string{"grid", "Grid", "电网", "grid%", "gri_", "solar", "wind"} {
					var cut []news.Article
					for _, a := range all {
						if tagged[tag][a.ID] {
							cut = append(cut, a)
						}
					}
					want, _, err := s.VisibleTaggedArticles(ctx, store.TagQuery{Language: lang, Tag: tag, Now: now, All: true, Brief: true})
					if err != nil {
						t.Fatal(err)
					}
					if want = rowFields(want); !reflect.DeepEqual(cut, want) {
						t.Errorf("%s tag %q at %s: cut %v, listed %v", lang, tag, now, slugsOf(cut), slugsOf(want))
					}
				}
			}
		}
	})
}
