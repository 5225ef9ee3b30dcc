package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var ctx = context.Background()

// release is the seed article's release time, given in its own offset.
var release = time.Date(2022, 9, 16, 17, 51, 59, 0, time.FixedZone("CST", 8*3600))

// channels creates the seed tree plus a sibling whose slug extends "china"
// and returns the ids by path.
func channels(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for i, path := range []string{"news", "news/china", "news/china/government-dynamic", "news/chinatown", "news/world", "policies"} {
		c := news.Channel{Slug: path[strings.LastIndexByte(path, '/')+1:], Path: path, Position: i, Name: news.Localized{"en": path}}
		if p := c.ParentPath(); p != "" {
			c.ParentID = ids[p]
		}
		id, changed, err := s.UpsertChannel(ctx, c)
		if err != nil || !changed {
			t.Fatalf("create channel %s: changed=%v err=%v", path, changed, err)
		}
		ids[path] = id
	}
	return ids
}

// article builds a published English article in channel.
func article(channelID int64, slug string, releaseAt time.Time) news.Article {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return news.Article{
		Language: "en", ChannelID: channelID, Headline: "Headline " + slug, Slug: slug,
		BodyHTML: "<p>Body " + slug + "</p>", Status: news.StatusPublished, ReleaseAt: releaseAt,
		CreatedAt: now, UpdatedAt: now,
	}
}

func save(t *testing.T, s *store.Store, a news.Article) int64 {
	t.Helper()
	id, err := s.SaveArticle(ctx, a)
	if err != nil {
		t.Fatalf("save %s: %v", a.Slug, err)
	}
	return id
}

func TestSiteSettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		empty, err := s.Site(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if empty.Configured() || !reflect.DeepEqual(empty, news.Site{}) {
			t.Fatalf("fresh database has settings: %+v", empty)
		}
		want := news.Site{
			Name:               news.Localized{"en": "National Energy Administration", "zh": "国家能源局"},
			Languages:          []string{"en", "zh"},
			DefaultLanguage:    "en",
			TimeZone:           "Asia/Shanghai",
			Sponsor:            news.Localized{"en": "Sponsor", "zh": "主办单位"},
			Operator:           news.Localized{"en": "Operator"},
			RegistrationNumber: "11044902",
			BrowserNote:        news.Localized{"zh": "建议使用Chrome"},
			FooterPages:        []string{"about-us", "contact-us", "legal-notice"},
			RequireTwoFactor:   true,
			FeedContent:        news.FeedFull,
			LogoURL:            "/static/brand.png",
			WebSubHub:          "https://hub.example.org/",
		}
		values := store.SiteSettings(want)
		if len(values) != 13 {
			t.Fatalf("SiteSettings has %d keys, want 13", len(values))
		}
		for key, value := range values {
			changed, err := s.SetSetting(ctx, key, value)
			if err != nil || !changed {
				t.Fatalf("SetSetting(%s) = %v, %v; want changed", key, changed, err)
			}
		}
		got, err := s.Site(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Site =\n%+v\nwant\n%+v", got, want)
		}
		for key, value := range values {
			if changed, err := s.SetSetting(ctx, key, value); err != nil || changed {
				t.Errorf("SetSetting(%s) again = %v, %v; want unchanged", key, changed, err)
			}
		}
		if changed, err := s.SetSetting(ctx, "registration_number", "X-1"); err != nil || !changed {
			t.Errorf("SetSetting(registration_number) = %v, %v; want changed", changed, err)
		}
		got, _ = s.Site(ctx)
		want.RegistrationNumber = "X-1"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after one change Site =\n%+v\nwant\n%+v", got, want)
		}
	})
}

func TestUpsertChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		news1 := news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "NEWS", "zh": "新闻"}}
		id, changed, err := s.UpsertChannel(ctx, news1)
		if err != nil || !changed || id == 0 {
			t.Fatalf("create = %d, %v, %v", id, changed, err)
		}
		china := news.Channel{ParentID: id, Slug: "china", Path: "news/china", Name: news.Localized{"en": "China"}, Position: 2}
		chinaID, changed, err := s.UpsertChannel(ctx, china)
		if err != nil || !changed {
			t.Fatalf("create child = %v, %v", changed, err)
		}

		steps := []struct {
			name    string
			c       news.Channel
			changed bool
		}{
			{"same again", news1, false},
			{"new name", news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "News", "zh": "新闻"}}, true},
			{"same new name", news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "News", "zh": "新闻"}}, false},
			{"new position", news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "News", "zh": "新闻"}, Position: 3}, true},
		}
		for _, st := range steps {
			gotID, changed, err := s.UpsertChannel(ctx, st.c)
			if err != nil || gotID != id || changed != st.changed {
				t.Errorf("%s: UpsertChannel = %d, %v, %v; want %d, %v", st.name, gotID, changed, err, id, st.changed)
			}
		}

		got, err := s.ChannelByPath(ctx, "news/china")
		if err != nil {
			t.Fatal(err)
		}
		want := news.Channel{ID: chinaID, ParentID: id, Slug: "china", Path: "news/china", Name: news.Localized{"en": "China"}, Position: 2}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ChannelByPath = %+v, want %+v", got, want)
		}
		top, _ := s.ChannelByPath(ctx, "news")
		if top.Name["en"] != "News" || top.Position != 3 || top.ParentID != 0 {
			t.Errorf("news after updates = %+v", top)
		}
		if _, err := s.ChannelByPath(ctx, "news/chin"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("ChannelByPath(news/chin) err = %v, want ErrNotFound", err)
		}
		tree, err := s.Channels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tree.Len() != 2 {
			t.Errorf("tree has %d channels, want 2", tree.Len())
		}
		if anc := tree.Ancestry("news/china"); len(anc) != 2 || anc[0].ID != id || anc[1].ID != chinaID {
			t.Errorf("Ancestry = %+v", anc)
		}
	})
}

func TestUpsertPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		about := news.Page{Slug: "about-us", Title: news.Localized{"en": "About us", "zh": "关于我们"}, Body: news.Localized{"en": "<p>About</p>"}, Position: 0}
		contact := news.Page{Slug: "contact-us", Title: news.Localized{"en": "Contact us"}, Body: news.Localized{"en": "<p>Write</p>"}, Position: 1}
		steps := []struct {
			name    string
			p       news.Page
			changed bool
		}{
			{"create contact", contact, true},
			{"create about", about, true},
			{"same about", about, false},
			{"about body", news.Page{Slug: "about-us", Title: about.Title, Body: news.Localized{"en": "<p>New</p>"}}, true},
			{"about title", news.Page{Slug: "about-us", Title: news.Localized{"en": "About"}, Body: news.Localized{"en": "<p>New</p>"}}, true},
			{"about same", news.Page{Slug: "about-us", Title: news.Localized{"en": "About"}, Body: news.Localized{"en": "<p>New</p>"}}, false},
			{"contact position", news.Page{Slug: "contact-us", Title: contact.Title, Body: contact.Body, Position: 5}, true},
		}
		for _, st := range steps {
			changed, err := s.UpsertPage(ctx, st.p)
			if err != nil || changed != st.changed {
				t.Errorf("%s: UpsertPage = %v, %v; want %v", st.name, changed, err, st.changed)
			}
		}
		pages, err := s.Pages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []news.Page{
			{Slug: "about-us", Title: news.Localized{"en": "About"}, Body: news.Localized{"en": "<p>New</p>"}, Position: 0},
			{Slug: "contact-us", Title: contact.Title, Body: contact.Body, Position: 5},
		}
		if !reflect.DeepEqual(pages, want) {
			t.Errorf("Pages =\n%+v\nwant\n%+v", pages, want)
		}
		if _, err := s.PageBySlug(ctx, "legal-notice"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("PageBySlug(missing) err = %v, want ErrNotFound", err)
		}
	})
}

func TestSaveArticle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		a := article(ids["news/china/government-dynamic"], "xi-meets", release)
		a.URI = "urn:test:1"
		a.Summary, a.Byline, a.Source, a.Editor = "Summary", "By A", "Xinhua", "Leon"
		a.Tags = []string{" Energy ", "China", "Energy", ""}
		a.EmbargoUntil = release.Add(time.Hour)
		a.VersionCreated = release.Add(-time.Minute)
		id := save(t, s, a)
		if id == 0 {
			t.Fatal("SaveArticle returned id 0")
		}

		got, err := s.ArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := a
		want.Version = 1 // the first save is version 1
		want.ID, want.ChannelPath = id, "news/china/government-dynamic"
		want.Tags = []string{"China", "Energy"}
		want.ReleaseAt, want.EmbargoUntil, want.VersionCreated = a.ReleaseAt.UTC(), a.EmbargoUntil.UTC(), a.VersionCreated.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ArticleByID =\n%+v\nwant\n%+v", got, want)
		}
		for name, tm := range map[string]time.Time{"release": got.ReleaseAt, "embargo": got.EmbargoUntil, "version": got.VersionCreated, "created": got.CreatedAt, "updated": got.UpdatedAt} {
			if tm.Location() != time.UTC {
				t.Errorf("%s time is in %v, want UTC", name, tm.Location())
			}
		}
		if got.ReleaseAt.Format(time.DateTime) != "2022-09-16 09:51:59" {
			t.Errorf("release = %s, want 2022-09-16 09:51:59 UTC", got.ReleaseAt.Format(time.DateTime))
		}

		byURI, err := s.ArticleByURI(ctx, "urn:test:1")
		if err != nil || !reflect.DeepEqual(byURI, want) {
			t.Errorf("ArticleByURI = %+v, %v", byURI, err)
		}
		if _, err := s.ArticleByURI(ctx, "urn:test:missing"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("ArticleByURI(missing) err = %v, want ErrNotFound", err)
		}
		if _, err := s.ArticleByID(ctx, id+100); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("ArticleByID(missing) err = %v, want ErrNotFound", err)
		}

		// Update in place: new headline, channel, tags replaced, embargo cleared.
		upd := got
		upd.Headline, upd.ChannelID, upd.Tags = "New headline", ids["news/world"], []string{"World"}
		upd.EmbargoUntil = time.Time{}
		upd.UpdatedAt = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
		if id2 := save(t, s, upd); id2 != id {
			t.Errorf("update returned id %d, want %d", id2, id)
		}
		got, err = s.ArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		upd.ChannelPath = "news/world"
		if !reflect.DeepEqual(got, upd) {
			t.Errorf("after update =\n%+v\nwant\n%+v", got, upd)
		}
		if n, _ := s.CountArticles(ctx); n != 1 {
			t.Errorf("CountArticles = %d, want 1", n)
		}

		// Articles written here have no uri; several may coexist.
		for _, slug := range []string{"local-1", "local-2"} {
			save(t, s, article(ids["news"], slug, release))
		}
		if n, _ := s.CountArticles(ctx); n != 3 {
			t.Errorf("CountArticles = %d, want 3", n)
		}
		if _, err := s.ArticleByURI(ctx, ""); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("ArticleByURI(\"\") err = %v, want ErrNotFound", err)
		}
		// The same slug twice in one channel and language is refused.
		if _, err := s.SaveArticle(ctx, article(ids["news"], "local-1", release)); err == nil {
			t.Error("duplicate slug in one channel was stored")
		}
	})
}

func TestVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		gd := channels(t, s)["news/china/government-dynamic"]
		now := release.Add(24 * time.Hour)
		cases := []struct {
			slug    string
			mutate  func(a *news.Article)
			visible bool
		}{
			{"published", func(a *news.Article) {}, true},
			{"at-release-instant", func(a *news.Article) { a.ReleaseAt = now }, true},
			{"one-second-later", func(a *news.Article) { a.ReleaseAt = now.Add(time.Second) }, false},
			{"future-release", func(a *news.Article) { a.ReleaseAt = now.Add(time.Hour) }, false},
			{"embargoed", func(a *news.Article) { a.EmbargoUntil = now.Add(time.Hour) }, false},
			{"embargo-over", func(a *news.Article) { a.EmbargoUntil = now.Add(-time.Hour) }, true},
			{"embargo-at-instant", func(a *news.Article) { a.EmbargoUntil = now }, true},
			{"draft", func(a *news.Article) { a.Status = news.StatusDraft }, false},
			{"withheld", func(a *news.Article) { a.Status = news.StatusWithheld }, false},
			{"canceled", func(a *news.Article) { a.Status = news.StatusCanceled }, false},
		}
		var wantList []string
		for _, c := range cases {
			a := article(gd, c.slug, release)
			c.mutate(&a)
			save(t, s, a)
			if c.visible {
				wantList = append(wantList, c.slug)
			}
		}
		for _, c := range cases {
			_, err := s.VisibleArticle(ctx, "en", "news/china/government-dynamic", c.slug, now)
			if c.visible && err != nil {
				t.Errorf("%s: VisibleArticle err = %v, want visible", c.slug, err)
			}
			if !c.visible && !errors.Is(err, news.ErrNotFound) {
				t.Errorf("%s: VisibleArticle err = %v, want ErrNotFound", c.slug, err)
			}
		}
		list, total, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Now: now, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range list {
			got = append(got, a.Slug)
			if a.BodyHTML != "" {
				t.Errorf("listing loaded the body of %s", a.Slug)
			}
		}
		// Newest release first (the one released at now leads), then the
		// later-saved first among equal releases.
		want := []string{"at-release-instant", "embargo-at-instant", "embargo-over", "published"}
		if !sameSet(want, wantList) {
			t.Fatalf("test table and expected order disagree: %v vs %v", want, wantList)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") || total != len(want) {
			t.Errorf("VisibleArticles = %v (total %d), want %v (total %d)", got, total, want, len(want))
		}
		// Wrong language, wrong channel, wrong slug: not found.
		for _, q := range [][3]string{{"zh", "news/china/government-dynamic", "published"}, {"en", "news/china", "published"}, {"en", "news/china/government-dynamic", "nope"}} {
			if _, err := s.VisibleArticle(ctx, q[0], q[1], q[2], now); !errors.Is(err, news.ErrNotFound) {
				t.Errorf("VisibleArticle%v err = %v, want ErrNotFound", q, err)
			}
		}
		// Later, the future ones come in.
		later := now.Add(2 * time.Hour)
		_, total, err = s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Now: later})
		if err != nil || total != len(wantList)+3 {
			t.Errorf("later total = %d, %v; want %d", total, err, len(wantList)+3)
		}
	})
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestVisibleArticlesChannelsAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		now := release.Add(30 * 24 * time.Hour)
		// Four articles a day apart per channel; newest has the highest day.
		placed := map[string][]string{}
		for day := 0; day < 4; day++ {
			for _, path := range []string{"news", "news/china", "news/china/government-dynamic", "news/chinatown", "policies"} {
				slug := fmt.Sprintf("%s-%d", strings.ReplaceAll(path, "/", "-"), day)
				save(t, s, article(ids[path], slug, release.Add(time.Duration(day)*24*time.Hour)))
				placed[path] = append(placed[path], slug)
			}
		}
		zh := article(ids["news/china"], "zh-only", release)
		zh.Language = "zh"
		save(t, s, zh)

		tests := []struct {
			channel string
			total   int
		}{
			{"", 20},
			{"news", 16},
			{"news/china", 8},
			{"news/china/government-dynamic", 4},
			{"news/chinatown", 4},
			{"news/chin", 0},
			{"news/chin_", 0}, // a LIKE wildcard must not match news/china
			{"news/%", 0},
			{"policies", 4},
			{"nope", 0},
		}
		for _, tt := range tests {
			list, total, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Channel: tt.channel, Now: now, Limit: 100})
			if err != nil {
				t.Fatalf("%q: %v", tt.channel, err)
			}
			if total != tt.total || len(list) != tt.total {
				t.Errorf("channel %q: total %d, %d listed; want %d", tt.channel, total, len(list), tt.total)
			}
			for _, a := range list {
				if tt.channel != "" && a.ChannelPath != tt.channel && !strings.HasPrefix(a.ChannelPath, tt.channel+"/") {
					t.Errorf("channel %q listed %s from %s", tt.channel, a.Slug, a.ChannelPath)
				}
			}
		}

		// Pagination over news/china (8 articles), 3 a page, newest first.
		var pages [][]string
		for offset := 0; offset < 9; offset += 3 {
			list, total, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Channel: "news/china", Now: now, Limit: 3, Offset: offset})
			if err != nil || total != 8 {
				t.Fatalf("page at %d: total %d, %v", offset, total, err)
			}
			var slugs []string
			for i, a := range list {
				slugs = append(slugs, a.Slug)
				if i > 0 && a.ReleaseAt.After(list[i-1].ReleaseAt) {
					t.Errorf("page at %d not newest first: %v", offset, slugs)
				}
			}
			pages = append(pages, slugs)
		}
		if len(pages[0]) != 3 || len(pages[1]) != 3 || len(pages[2]) != 2 {
			t.Fatalf("page sizes: %v", pages)
		}
		// Days 3 and 3 lead (same release: higher id first), then 2, 2 ...
		wantFirst := []string{"news-china-government-dynamic-3", "news-china-3", "news-china-government-dynamic-2"}
		if strings.Join(pages[0], ",") != strings.Join(wantFirst, ",") {
			t.Errorf("first page = %v, want %v", pages[0], wantFirst)
		}
		seen := map[string]bool{}
		for _, p := range pages {
			for _, slug := range p {
				if seen[slug] {
					t.Errorf("%s on two pages", slug)
				}
				seen[slug] = true
			}
		}

		// Default limit is 20.
		list, total, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Now: now})
		if err != nil || len(list) != 20 || total != 20 {
			t.Errorf("default limit: %d listed, total %d, %v", len(list), total, err)
		}
		list, total, err = s.VisibleArticles(ctx, store.ArticleQuery{Language: "zh", Now: now})
		if err != nil || total != 1 || list[0].Slug != "zh-only" {
			t.Errorf("zh listing: %v, %d, %v", list, total, err)
		}
	})
}

func TestUniqueSlug(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		gd := ids["news/china/government-dynamic"]
		first := save(t, s, article(gd, "xi-meets", release))
		save(t, s, article(gd, "xi-meets-2", release))
		tests := []struct {
			name    string
			lang    string
			channel int64
			base    string
			except  int64
			want    string
		}{
			{"free", "en", gd, "other", 0, "other"},
			{"taken twice", "en", gd, "xi-meets", 0, "xi-meets-3"},
			{"taken by itself", "en", gd, "xi-meets", first, "xi-meets"},
			{"other channel", "en", ids["news/world"], "xi-meets", 0, "xi-meets"},
			{"other language", "zh", gd, "xi-meets", 0, "xi-meets"},
		}
		for _, tt := range tests {
			got, err := s.UniqueSlug(ctx, tt.lang, tt.channel, tt.base, tt.except)
			if err != nil || got != tt.want {
				t.Errorf("%s: UniqueSlug = %q, %v; want %q", tt.name, got, err, tt.want)
			}
		}
	})
}

func TestRedirects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		redirect := func(from string) string {
			to, err := s.Redirect(ctx, from)
			if errors.Is(err, news.ErrNotFound) {
				return ""
			}
			if err != nil {
				t.Fatalf("Redirect(%s): %v", from, err)
			}
			return to
		}
		type want map[string]string // from → to ("" none)
		steps := []struct {
			name     string
			from, to string
			want     want
		}{
			{"a to b", "/a/", "/b/", want{"/a/": "/b/", "/b/": ""}},
			{"same path is no redirect", "/x/", "/x/", want{"/x/": ""}},
			{"b to c collapses the chain", "/b/", "/c/", want{"/a/": "/c/", "/b/": "/c/", "/c/": ""}},
			{"c to a: a holds content again", "/c/", "/a/", want{"/a/": "", "/b/": "/a/", "/c/": "/a/"}},
			{"a to d moves them all", "/a/", "/d/", want{"/a/": "/d/", "/b/": "/d/", "/c/": "/d/", "/d/": ""}},
			{"a to e replaces a's target", "/a/", "/e/", want{"/a/": "/e/", "/b/": "/d/", "/c/": "/d/"}},
		}
		for _, st := range steps {
			if err := s.AddRedirect(ctx, st.from, st.to, now); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			for from, to := range st.want {
				if got := redirect(from); got != to {
					t.Errorf("%s: Redirect(%s) = %q, want %q", st.name, from, got, to)
				}
			}
		}
	})
}

func TestInTxRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.SetSetting(ctx, "registration_number", "X"); err != nil {
				return err
			}
			if _, _, err := tx.UpsertChannel(ctx, news.Channel{Slug: "news", Path: "news"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v, want boom", err)
		}
		site, _ := s.Site(ctx)
		tree, _ := s.Channels(ctx)
		if site.RegistrationNumber != "" || tree.Len() != 0 {
			t.Errorf("rolled-back writes are visible: %+v, %d channels", site, tree.Len())
		}
	})
}

func TestMigrations(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			s, err := store.Open(ctx, storetest.URL(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Dialect() != d {
				t.Errorf("Dialect = %q, want %q", s.Dialect(), d)
			}
			err = s.CheckSchema(ctx)
			if !errors.Is(err, store.ErrSchemaBehind) {
				t.Fatalf("CheckSchema on a fresh database = %v, want ErrSchemaBehind", err)
			}
			var behind *store.SchemaBehindError
			if !errors.As(err, &behind) || behind.Current != 0 || behind.Target < 1 {
				t.Errorf("CheckSchema error = %#v", err)
			}
			if !strings.Contains(err.Error(), "newsdesk migrate") {
				t.Errorf("CheckSchema message %q does not name `newsdesk migrate`", err)
			}
			n, err := s.Migrate(ctx)
			if err != nil || n < 1 {
				t.Fatalf("first Migrate = %d, %v", n, err)
			}
			current, target, err := s.SchemaVersion(ctx)
			if err != nil || current != target || target != behind.Target {
				t.Errorf("SchemaVersion = %d, %d, %v; want %d twice", current, target, err, behind.Target)
			}
			if n, err := s.Migrate(ctx); err != nil || n != 0 {
				t.Errorf("second Migrate = %d, %v; want 0", n, err)
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Errorf("CheckSchema after Migrate = %v", err)
			}
		})
	}
}

func TestOpenRefusesUnknownURLs(t *testing.T) {
	for _, u := range []string{"mysql://x", "sqlite:", "", "postgres:/nohost"} {
		if s, err := store.Open(ctx, u); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", u)
		}
	}
	_, err := store.Open(ctx, "mysql://user:secret@host/db")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("Open error leaks the password or is nil: %v", err)
	}
}

// TestRefreshStatistics: on SQLite the planner gets statistics for the
// articles (so feeds walk the release index); on PostgreSQL it is a no-op.
func TestRefreshStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			ch, err := tx.CreateChannel(ctx, news.Channel{Slug: "news", Name: news.Localized{"en": "News"}})
			if err != nil {
				return err
			}
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range 200 {
				if _, err := tx.SaveArticle(ctx, news.Article{Language: "en", ChannelID: ch.ID, Headline: "A", Slug: fmt.Sprintf("a-%d", i),
					Status: news.StatusPublished, ReleaseAt: at.Add(time.Duration(i) * time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.RefreshStatistics(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() != "sqlite" {
			return
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'articles'`).Scan(&n); err != nil || n == 0 {
			t.Errorf("no statistics for articles after the refresh: %d, %v", n, err)
		}
	})
}

// TestMemoryMapped: the option maps SQLite's file on every connection of
// the pool, not only the first, and PostgreSQL opens as usual with it.
func TestMemoryMapped(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			for _, c := range []struct {
				name string
				opts []store.Option
				want int64
			}{
				{"default", nil, 0},
				{"mapped", []store.Option{store.MemoryMapped(1 << 24)}, 1 << 24},
			} {
				t.Run(c.name, func(t *testing.T) {
					s, err := store.Open(ctx, storetest.URL(t, d), c.opts...)
					if err != nil {
						t.Fatal(err)
					}
					defer s.Close()
					if _, err := s.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					if d != "sqlite" {
						if err := s.Ping(ctx); err != nil {
							t.Fatal(err)
						}
						return
					}
					// Hold two connections at once so the second is a new one.
					conns := make([]*sql.Conn, 2)
					for i := range conns {
						if conns[i], err = s.DB().Conn(ctx); err != nil {
							t.Fatal(err)
						}
						defer conns[i].Close()
					}
					for i, conn := range conns {
						var got int64
						if err := conn.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&got); err != nil {
							t.Fatal(err)
						}
						if got != c.want {
							t.Errorf("connection %d: mmap_size %d, want %d", i, got, c.want)
						}
					}
				})
			}
		})
	}
}
