package sitefile_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

func TestCheckChannel(t *testing.T) {
	s := storetest.New(t, "sqlite")
	apply(t, s, seed(t))
	tree, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := func(path string) int64 {
		c, ok := tree.ByPath(path)
		if !ok {
			t.Fatalf("no channel %s", path)
		}
		return c.ID
	}
	pages := []string{"about-us", "contact-us", "legal-notice"}
	tests := []struct {
		name       string
		self       string // path of the channel being changed, "" for a new one
		parent     string // "" for the top level, "#" for one that does not exist
		slug       string
		path, text string // expected error; path "" for none
	}{
		{"new nested", "", "news", "energy", "", ""},
		{"new top-level", "", "", "energy", "", ""},
		{"reserved is fine below the top", "", "news", "search", "", ""},
		{"a page's slug is fine below the top", "", "news", "about-us", "", ""},
		{"unchanged", "news/china", "news", "china", "", ""},
		{"moved elsewhere", "news/china", "policies", "china", "", ""},
		{"missing", "", "news", "", "slug", "is missing"},
		{"invalid", "", "news", "Energy", "slug", "not a valid slug"},
		{"all digits", "", "news", "2022", "slug", "all digits"},
		{"reserved", "", "", "media", "slug", "reserved"},
		{"a page's slug", "", "", "about-us", "slug", "already a page"},
		{"duplicate sibling", "", "news", "world", "slug", `duplicate slug "world" (also at news/world)`},
		{"renamed onto a sibling", "news/world", "news", "china", "slug", "duplicate"},
		{"unknown parent", "", "#", "energy", "parent", "does not exist"},
		{"under itself", "news", "news", "news", "parent", "cannot move under itself"},
		{"under its descendant", "news", "news/china/industry", "news", "parent", "cannot move under itself"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var self, parent int64
			if tt.self != "" {
				self = id(tt.self)
			}
			switch tt.parent {
			case "":
			case "#":
				parent = 99999
			default:
				parent = id(tt.parent)
			}
			err := sitefile.CheckChannel(tree, pages, self, parent, tt.slug)
			if tt.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var v *news.ValidationError
			if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Path != tt.path || !strings.Contains(v.Fields[0].Message, tt.text) {
				t.Errorf("err = %v, want one error at %q containing %q", err, tt.path, tt.text)
			}
		})
	}
}

func TestApplyFileFromForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, seed(t))
		before := snap(t, s)

		// A settings form: every key, one changed.
		site := before.Site
		site.RegistrationNumber = "X-2"
		var res sitefile.Result
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) {
			res, err = sitefile.ApplyFile(ctx, tx, san, sitefile.SettingsFile(site))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The seed leaves require_two_factor, feed_content, logo_url and
		// websub_hub unset; the form stores them.
		if res != (sitefile.Result{Settings: 5}) {
			t.Errorf("settings form = %+v, want five settings", res)
		}
		want := before
		want.Site.RegistrationNumber = "X-2"
		if after := snap(t, s); !reflect.DeepEqual(after, want) {
			t.Errorf("settings form changed more:\n%+v\n%+v", want, after)
		}

		// Bad settings are refused with the rules of site apply.
		bad := site
		bad.TimeZone, bad.Languages = "Mars/Olympus", []string{}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := sitefile.ApplyFile(ctx, tx, san, sitefile.SettingsFile(bad))
			return err
		})
		var v *news.ValidationError
		if !errors.As(err, &v) || !strings.Contains(err.Error(), "time_zone: unknown time zone") ||
			!strings.Contains(err.Error(), "languages: the site needs at least one language") || strings.Contains(err.Error(), "name.en") {
			t.Errorf("bad settings: %v", err)
		}

		// A page form: sanitized, checked, placed where the caller says.
		page := news.Page{Slug: "privacy", Title: news.Localized{"en": "Privacy"}, Body: news.Localized{"en": `<p>Hi<script>x()</script></p>`}, Position: 7}
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) {
			res, err = sitefile.ApplyFile(ctx, tx, san, sitefile.PageFile(page))
			return err
		}); err != nil || res != (sitefile.Result{Pages: 1}) {
			t.Fatalf("page form: %+v, %v", res, err)
		}
		if page.Body["en"] != `<p>Hi<script>x()</script></p>` {
			t.Error("ApplyFile changed the caller's page")
		}
		got, err := s.PageBySlug(ctx, "privacy")
		if err != nil || got.Body["en"] != "<p>Hi</p>" || got.Position != 7 {
			t.Errorf("stored %+v (%v)", got, err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := sitefile.ApplyFile(ctx, tx, san, sitefile.PageFile(news.Page{Slug: "news"}))
			return err
		})
		if !errors.As(err, &v) || v.Fields[0].Path != "pages[0].slug" {
			t.Errorf("page named like a top-level channel: %v", err)
		}
	})
}
