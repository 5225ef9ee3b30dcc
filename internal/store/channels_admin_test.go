package store_test

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// adminNow is "now" for the channel administration tests: after every
// release used below except the scheduled one.
var adminNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// siteFor gives the store two languages and a time zone far from UTC, so
// redirects must use the site's dates.
func siteFor(t *testing.T, s *store.Store) {
	t.Helper()
	for key, value := range map[string]any{"languages": []string{"en", "zh"}, "default_language": "en", "time_zone": "Asia/Shanghai"} {
		if _, err := s.SetSetting(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
}

func tree(t *testing.T, s *store.Store) *news.ChannelTree {
	t.Helper()
	tr, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func paths(tr *news.ChannelTree) string {
	var out []string
	for _, c := range tr.All() {
		out = append(out, c.Path)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func inTx(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) error {
	t.Helper()
	return s.InTx(ctx, fn)
}

func TestCreateChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		var made news.Channel
		err := inTx(t, s, func(tx *store.Tx) (err error) {
			made, err = tx.CreateChannel(ctx, news.Channel{ParentID: ids["news/china"], Slug: "energy", Name: news.Localized{"en": "Energy"}, Position: 3})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := tree(t, s).ByPath("news/china/energy")
		if !ok || got.ID != made.ID || got.ParentID != ids["news/china"] || got.Name["en"] != "Energy" || got.Position != 3 {
			t.Errorf("created %+v, stored %+v", made, got)
		}
		top := news.Channel{}
		if err := inTx(t, s, func(tx *store.Tx) (err error) {
			top, err = tx.CreateChannel(ctx, news.Channel{Slug: "energy"})
			return err
		}); err != nil || top.Path != "energy" {
			t.Errorf("top-level create: %+v, %v", top, err)
		}
		err = inTx(t, s, func(tx *store.Tx) error {
			_, err := tx.CreateChannel(ctx, news.Channel{ParentID: ids["news"], Slug: "china"})
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate path: %v, want ErrConflict", err)
		}
		err = inTx(t, s, func(tx *store.Tx) error {
			_, err := tx.CreateChannel(ctx, news.Channel{ParentID: 99999, Slug: "x"})
			return err
		})
		if !errors.Is(err, news.ErrNotFound) {
			t.Errorf("unknown parent: %v, want ErrNotFound", err)
		}
	})
}

func TestUpdateChannelWithoutMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		siteFor(t, s)
		ids := channels(t, s)
		save(t, s, article(ids["news/china"], "story", release))
		var up store.ChannelUpdate
		err := inTx(t, s, func(tx *store.Tx) (err error) {
			up, err = tx.UpdateChannel(ctx, news.Channel{ID: ids["news/china"], ParentID: ids["news"], Slug: "china",
				Name: news.Localized{"en": "China", "zh": "国内"}, Position: 9}, adminNow)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if up.Moved() || up.Redirects != 0 {
			t.Errorf("rename only: %+v", up)
		}
		c, _ := tree(t, s).ByID(ids["news/china"])
		if c.Path != "news/china" || c.Name["zh"] != "国内" || c.Position != 9 {
			t.Errorf("stored %+v", c)
		}
		if _, err := s.Redirect(ctx, "/en/news/china/"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("a rename of names added a redirect: %v", err)
		}
	})
}

func TestUpdateChannelMovesSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		siteFor(t, s)
		ids := channels(t, s)
		// 20:00 UTC is the next day in Shanghai: the redirect must use the site's date.
		late := time.Date(2022, 9, 16, 20, 0, 0, 0, time.UTC)
		seen := save(t, s, article(ids["news/china/government-dynamic"], "seen", late))
		zh := article(ids["news/china"], "zh-story", release)
		zh.Language = "zh"
		save(t, s, zh)
		save(t, s, article(ids["news/china/government-dynamic"], "scheduled", adminNow.Add(24*time.Hour)))
		draft := article(ids["news/china"], "draft", time.Time{})
		draft.Status = news.StatusDraft
		save(t, s, draft)
		cousin := save(t, s, article(ids["news/chinatown"], "cousin", release))
		// An old redirect into the moved subtree must follow it, not chain.
		if err := s.AddRedirect(ctx, "/old/site/seen.html", "/en/news/china/government-dynamic/2022/09/17/seen/", adminNow); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, news.User{Email: "ed@example.org", Name: "Ed", Status: news.UserActive, Grants: []news.Grant{
			{Role: news.RoleEditor, Channel: "news/china/government-dynamic"},
			{Role: news.RoleChiefEditor, Channel: "news/china"},
			{Role: news.RoleEditor, Channel: "news/chinatown"},
		}}, adminNow); err != nil {
			t.Fatal(err)
		}

		// news/china becomes policies/prc: a new slug and a new parent at once.
		var up store.ChannelUpdate
		err := inTx(t, s, func(tx *store.Tx) (err error) {
			up, err = tx.UpdateChannel(ctx, news.Channel{ID: ids["news/china"], ParentID: ids["policies"], Slug: "prc",
				Name: news.Localized{"en": "PRC"}, Position: 1}, adminNow)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// 2 seen articles + 2 channels × 2 languages.
		if !up.Moved() || up.OldPath != "news/china" || up.NewPath != "policies/prc" || up.Channels != 2 || up.Grants != 2 || up.Redirects != 6 {
			t.Errorf("update = %+v", up)
		}
		if got, want := paths(tree(t, s)), "news,news/chinatown,news/world,policies,policies/prc,policies/prc/government-dynamic"; got != want {
			t.Errorf("paths = %s, want %s", got, want)
		}
		c, _ := tree(t, s).ByID(ids["news/china"])
		if c.ParentID != ids["policies"] || c.Slug != "prc" || c.Name["en"] != "PRC" || c.Position != 1 {
			t.Errorf("moved channel = %+v", c)
		}
		a, err := s.ArticleByID(ctx, seen)
		if err != nil || a.ChannelPath != "policies/prc/government-dynamic" {
			t.Errorf("article now in %q (%v)", a.ChannelPath, err)
		}
		for from, to := range map[string]string{
			"/en/news/china/government-dynamic/2022/09/17/seen/": "/en/policies/prc/government-dynamic/2022/09/17/seen/",
			"/zh/news/china/2022/09/16/zh-story/":                "/zh/policies/prc/2022/09/16/zh-story/",
			"/en/news/china/":                                    "/en/policies/prc/",
			"/zh/news/china/":                                    "/zh/policies/prc/",
			"/en/news/china/government-dynamic/":                 "/en/policies/prc/government-dynamic/",
			"/zh/news/china/government-dynamic/":                 "/zh/policies/prc/government-dynamic/",
			"/old/site/seen.html":                                "/en/policies/prc/government-dynamic/2022/09/17/seen/",
		} {
			if got, err := s.Redirect(ctx, from); err != nil || got != to {
				t.Errorf("redirect %s = %q (%v), want %s", from, got, err, to)
			}
		}
		for _, never := range []string{"/en/news/china/government-dynamic/2026/03/02/scheduled/", "/en/news/china/0001/01/01/draft/", "/en/news/chinatown/"} {
			if got, err := s.Redirect(ctx, never); !errors.Is(err, news.ErrNotFound) {
				t.Errorf("redirect %s = %q (%v), want none", never, got, err)
			}
		}
		if a, _ := s.ArticleByID(ctx, cousin); a.ChannelPath != "news/chinatown" {
			t.Errorf("a sibling whose slug extends the moved one moved too: %s", a.ChannelPath)
		}
		u, err := s.UserByEmail(ctx, "ed@example.org")
		if err != nil {
			t.Fatal(err)
		}
		var grants []string
		for _, g := range u.Grants {
			grants = append(grants, g.String())
		}
		sort.Strings(grants)
		if got, want := strings.Join(grants, "; "), "chief-editor on policies/prc; editor on news/chinatown; editor on policies/prc/government-dynamic"; got != want {
			t.Errorf("grants = %s, want %s", got, want)
		}

		// Moving it back leaves no redirect pointing at itself and no chain.
		if err := inTx(t, s, func(tx *store.Tx) error {
			_, err := tx.UpdateChannel(ctx, news.Channel{ID: ids["news/china"], ParentID: ids["news"], Slug: "china"}, adminNow)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Redirect(ctx, "/en/news/china/"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("moved back: /en/news/china/ still redirects (%v)", err)
		}
		if got, _ := s.Redirect(ctx, "/old/site/seen.html"); got != "/en/news/china/government-dynamic/2022/09/17/seen/" {
			t.Errorf("moved back: old import URL → %s", got)
		}
		if got, _ := s.Redirect(ctx, "/en/policies/prc/"); got != "/en/news/china/" {
			t.Errorf("moved back: /en/policies/prc/ → %q", got)
		}
	})
}

func TestUpdateChannelRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		before := paths(tree(t, s))
		for name, c := range map[string]news.Channel{
			"under itself":         {ID: ids["news"], ParentID: ids["news"], Slug: "news"},
			"under its descendant": {ID: ids["news"], ParentID: ids["news/china/government-dynamic"], Slug: "news"},
			"onto a sibling":       {ID: ids["news/world"], ParentID: ids["news"], Slug: "china"},
			"unknown channel":      {ID: 99999, Slug: "x"},
			"unknown parent":       {ID: ids["policies"], ParentID: 99999, Slug: "policies"},
		} {
			err := inTx(t, s, func(tx *store.Tx) error {
				_, err := tx.UpdateChannel(ctx, c, adminNow)
				return err
			})
			if err == nil {
				t.Errorf("%s: allowed", name)
			}
		}
		if after := paths(tree(t, s)); after != before {
			t.Errorf("refused updates changed the tree: %s", after)
		}
	})
}

func TestDeleteChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		save(t, s, article(ids["news/world"], "story", release))
		if _, err := s.CreateUser(ctx, news.User{Email: "ed@example.org", Name: "Ed", Status: news.UserActive,
			Grants: []news.Grant{{Role: news.RoleEditor, Channel: "policies"}}}, adminNow); err != nil {
			t.Fatal(err)
		}
		if err := s.AddRedirect(ctx, "/en/old-gd/", "/en/news/china/government-dynamic/", adminNow); err != nil {
			t.Fatal(err)
		}
		counts, err := s.ChannelArticleCounts(ctx)
		if err != nil || counts[ids["news/world"]] != 1 || counts[ids["news"]] != 0 {
			t.Errorf("counts = %v (%v)", counts, err)
		}
		for _, tt := range []struct {
			path string
			want store.ChannelInUseError
		}{
			{"news/world", store.ChannelInUseError{Path: "news/world", Articles: 1}},
			{"news/china", store.ChannelInUseError{Path: "news/china", Children: 1}},
			{"policies", store.ChannelInUseError{Path: "policies", Users: 1}},
		} {
			err := inTx(t, s, func(tx *store.Tx) error {
				_, err := tx.DeleteChannel(ctx, ids[tt.path])
				return err
			})
			var use *store.ChannelInUseError
			if !errors.As(err, &use) || *use != tt.want {
				t.Errorf("delete %s: %v, want %+v", tt.path, err, tt.want)
			}
		}
		if err := inTx(t, s, func(tx *store.Tx) error {
			_, err := tx.DeleteChannel(ctx, ids["news/china/government-dynamic"])
			return err
		}); err != nil {
			t.Fatalf("delete empty channel: %v", err)
		}
		if _, ok := tree(t, s).ByPath("news/china/government-dynamic"); ok {
			t.Error("channel still there")
		}
		if _, err := s.Redirect(ctx, "/en/old-gd/"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("redirect to the deleted channel kept (%v)", err)
		}
		if err := inTx(t, s, func(tx *store.Tx) error {
			_, err := tx.DeleteChannel(ctx, ids["news/china/government-dynamic"])
			return err
		}); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("delete twice: %v, want ErrNotFound", err)
		}
	})
}
