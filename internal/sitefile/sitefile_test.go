package sitefile_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var (
	ctx = context.Background()
	san = markup.NewSanitizer()
)

const seedSite = "../../testdata/seed/seed-site.json"

func seed(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(seedSite)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// snapshot is everything a site file can change.
type snapshot struct {
	Site     news.Site
	Channels []news.Channel
	Pages    []news.Page
}

func snap(t *testing.T, s *store.Store) snapshot {
	t.Helper()
	site, err := s.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := s.Pages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{site, tree.All(), pages}
}

func apply(t *testing.T, s *store.Store, data []byte) sitefile.Result {
	t.Helper()
	res, err := sitefile.Apply(ctx, s, san, data)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func TestApplySeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		res := apply(t, s, seed(t))
		if want := (sitefile.Result{Settings: 9, Channels: 6, Pages: 3}); res != want {
			t.Errorf("first apply = %+v, want %+v", res, want)
		}
		if got := res.String(); got != "site apply: 9 settings, 6 channels, 3 pages changed" {
			t.Errorf("String = %q", got)
		}
		after := snap(t, s)
		site := after.Site
		if site.Name["zh"] != "国家能源局" || site.DefaultLanguage != "en" || site.TimeZone != "Asia/Shanghai" ||
			site.RegistrationNumber != "11044902" || strings.Join(site.Languages, ",") != "en,zh" ||
			strings.Join(site.FooterPages, ",") != "about-us,contact-us,legal-notice" {
			t.Errorf("settings = %+v", site)
		}
		var paths []string
		for _, c := range after.Channels {
			paths = append(paths, c.Path)
		}
		want := "news,policies,news/china,news/world,news/china/government-dynamic,news/china/industry"
		if strings.Join(paths, ",") != want {
			t.Errorf("channels = %v, want %s", paths, want)
		}
		tree, _ := s.Channels(ctx)
		gd, ok := tree.ByPath("news/china/government-dynamic")
		if !ok || gd.Name["en"] != "Government Dynamic" || gd.Name["zh"] != "政务动态" {
			t.Errorf("government-dynamic = %+v", gd)
		}
		if anc := tree.Ancestry(gd.Path); len(anc) != 3 || anc[0].Name["en"] != "NEWS" || anc[1].Name["en"] != "China" {
			t.Errorf("breadcrumb = %+v", anc)
		}
		if len(after.Pages) != 3 || after.Pages[0].Slug != "about-us" || after.Pages[2].Title["zh"] != "法律声明" ||
			after.Pages[1].Body["en"] != "<p>Write to the web office.</p>" {
			t.Errorf("pages = %+v", after.Pages)
		}

		again := apply(t, s, seed(t))
		if again.Changed() || again != (sitefile.Result{}) {
			t.Errorf("second apply = %+v, want nothing changed", again)
		}
		if got := again.String(); got != "site apply: nothing to change" {
			t.Errorf("second String = %q", got)
		}
		if !reflect.DeepEqual(snap(t, s), after) {
			t.Error("second apply changed the database")
		}
	})
}

func TestApplySanitizesPageBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, []byte(`{"languages": ["en"], "pages": [{"slug": "about-us", "title": {"en": "About"},
			"body": {"en": "<p onclick=\"x()\">Hi<script>alert(1)</script> <a href=\"javascript:alert(1)\">x</a></p>"}}]}`))
		p, err := s.PageBySlug(ctx, "about-us")
		if err != nil {
			t.Fatal(err)
		}
		body := p.Body["en"]
		for _, bad := range []string{"onclick", "<script", "alert", "javascript:"} {
			if strings.Contains(body, bad) {
				t.Errorf("page body keeps %q: %s", bad, body)
			}
		}
		if !strings.Contains(body, "<p>Hi") {
			t.Errorf("page body lost its text: %s", body)
		}
	})
}

func TestApplyRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
		path string // JSON path of the expected field error
		text string // part of its message
	}{
		{"malformed JSON", "{\n  \"registration_number\": \"X\",\n  \"languages\": [\"en\" \"zh\"]\n}", "", "line 3, column 22: invalid character"},
		{"malformed JSON after Chinese text", `{"name": {"zh": "国家能源局" "x"}}`, "", "line 1, column 25: invalid character"},
		{"truncated JSON", "{\"registration_number\": \"X\",\n\"languages\": [\"en\"", "", "line 2, column 19: unexpected EOF"},
		{"data after the object", `{"registration_number": "X"} {}`, "", "line 1, column 30: unexpected data after the JSON object"},
		{"empty file", ``, "", "line 1, column 1"},
		{"not an object", `["en"]`, "", "must be a JSON object"},
		{"unknown top-level key", `{"registration_number": "X", "colour": "red"}`, "colour", "unknown key"},
		{"unknown key in a nested channel", `{"registration_number": "X", "channels": [{"slug": "news", "children": [
			{"slug": "china"}, {"slug": "world", "colour": "red"}]}]}`, "channels[0].children[1].colour", "unknown key"},
		{"unknown language", `{"registration_number": "X", "languages": ["en", "fr"]}`, "languages[1]", `"fr"`},
		{"default language not listed", `{"registration_number": "X", "languages": ["en"], "default_language": "zh"}`, "default_language", `"zh"`},
		{"default language not among stored languages", `{"registration_number": "X", "default_language": "fr"}`, "default_language", `"fr"`},
		{"unknown time zone", `{"registration_number": "X", "time_zone": "Mars/Olympus"}`, "time_zone", "Mars/Olympus"},
		{"duplicate sibling slug", `{"registration_number": "X", "channels": [{"slug": "news", "children": [
			{"slug": "china"}, {"slug": "china"}]}]}`, "channels[0].children[1].slug", "duplicate"},
		{"reserved top-level slug", `{"registration_number": "X", "channels": [{"slug": "news"}, {"slug": "search"}]}`, "channels[1].slug", "reserved"},
		{"all-digit slug", `{"registration_number": "X", "channels": [{"slug": "news", "children": [{"slug": "2022"}]}]}`, "channels[0].children[0].slug", "digits"},
		{"invalid slug", `{"registration_number": "X", "channels": [{"slug": "News Items"}]}`, "channels[0].slug", "not a valid slug"},
		{"missing slug", `{"registration_number": "X", "channels": [{"name": {"en": "X"}}]}`, "channels[0].slug", "missing"},
		{"page slug is a stored top-level channel", `{"registration_number": "X", "pages": [{"slug": "news", "title": {"en": "N"}}]}`, "pages[0].slug", "top-level channel"},
		{"page slug is a top-level channel in the file", `{"registration_number": "X", "channels": [{"slug": "energy"}],
			"pages": [{"slug": "energy", "title": {"en": "E"}}]}`, "pages[0].slug", "top-level channel"},
		{"channel slug is a stored page", `{"registration_number": "X", "channels": [{"slug": "about-us"}]}`, "channels[0].slug", "already a page"},
		{"reserved page slug", `{"registration_number": "X", "pages": [{"slug": "admin"}]}`, "pages[0].slug", "reserved"},
		{"footer page that does not exist", `{"registration_number": "X", "footer_pages": ["nope", "about-us"]}`, "footer_pages[0]", `"nope"`},
		{"languages as a string", `{"registration_number": "X", "languages": "en"}`, "languages", "a list of strings"},
		{"name as a string", `{"registration_number": "X", "name": "Site"}`, "name", "an object of texts"},
		{"channels as an object", `{"registration_number": "X", "channels": {"slug": "news"}}`, "channels", "a list"},
		{"name in an unknown language", `{"registration_number": "X", "name": {"en": "Site", "fr": "Site"}}`, "name.fr", `"fr"`},
		{"channel name in an unknown language", `{"registration_number": "X", "channels": [{"slug": "news", "name": {"de": "X"}}]}`, "channels[0].name.de", `"de"`},
		{"page title in a language the site lacks", `{"registration_number": "X", "languages": ["en"], "default_language": "en",
			"pages": [{"slug": "about-us", "title": {"zh": "关于"}}]}`, "pages[0].title.zh", "not one of the site's languages"},
		{"unknown key in a page", `{"registration_number": "X", "pages": [{"slug": "about-us", "colour": "red"}]}`, "pages[0].colour", "unknown key"},
		{"unknown feed content", `{"registration_number": "X", "feed_content": "excerpt"}`, "feed_content", `"full" or "summary"`},
		{"feed content as a boolean", `{"registration_number": "X", "feed_content": true}`, "feed_content", "string"},
		{"relative logo without a slash", `{"registration_number": "X", "logo_url": "static/logo.png"}`, "logo_url", "absolute http(s) URL or a path"},
		{"logo with a script URL", `{"registration_number": "X", "logo_url": "javascript:alert(1)"}`, "logo_url", "absolute http(s) URL"},
		{"WebSub hub not a URL", `{"registration_number": "X", "websub_hub": "hub.example.org"}`, "websub_hub", "absolute http(s) URL"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, seed(t))
		before := snap(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := sitefile.Apply(ctx, s, san, []byte(tt.file))
				if err == nil {
					t.Fatalf("applied (%+v), want refused", res)
				}
				if res.Changed() {
					t.Errorf("refused apply reports changes: %+v", res)
				}
				var v *news.ValidationError
				if !errors.As(err, &v) {
					t.Fatalf("error %T %v is not a *news.ValidationError", err, err)
				}
				found := false
				for _, f := range v.Fields {
					if f.Path == tt.path && strings.Contains(f.Message, tt.text) {
						found = true
					}
				}
				if !found {
					t.Errorf("no field error at %q containing %q in %q", tt.path, tt.text, err)
				}
				if after := snap(t, s); !reflect.DeepEqual(after, before) {
					t.Errorf("refused apply changed the database:\nbefore %+v\nafter  %+v", before, after)
				}
			})
		}
	})
}

func TestApplyRefusesOnEmptySite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// Channels alone cannot make a site: it needs a language.
		_, err := sitefile.Apply(ctx, s, san, []byte(`{"channels": [{"slug": "news"}]}`))
		var v *news.ValidationError
		if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Path != "languages" {
			t.Fatalf("err = %v, want one error at languages", err)
		}
		if after := snap(t, s); after.Site.Configured() || len(after.Channels) != 0 {
			t.Errorf("refused apply wrote: %+v", after)
		}
		// A site given only languages uses the first as default.
		res := apply(t, s, []byte(`{"languages": ["zh", "en"]}`))
		if site := snap(t, s).Site; site.DefaultLanguage != "zh" || res.Settings != 2 {
			t.Errorf("default language = %q, %d settings changed; want zh, 2", site.DefaultLanguage, res.Settings)
		}
	})
}

func TestApplyPartialFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, seed(t))
		before := snap(t, s)
		res := apply(t, s, []byte(`{"registration_number": "X"}`))
		if res != (sitefile.Result{Settings: 1}) {
			t.Errorf("partial apply = %+v, want one setting", res)
		}
		want := before
		want.Site.RegistrationNumber = "X"
		if after := snap(t, s); !reflect.DeepEqual(after, want) {
			t.Errorf("partial apply changed more than registration_number:\nwant %+v\ngot  %+v", want, after)
		}
	})
}

func TestApplyDeletesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, seed(t))
		before := snap(t, s)
		res := apply(t, s, []byte(`{"channels": [{"slug": "policies", "name": {"en": "Policy", "zh": "政策"}}],
			"pages": [{"slug": "contact-us", "title": {"en": "Contact us", "zh": "联系我们"}, "body": {"en": "<p>Write to the web office.</p>", "zh": "<p>请联系网站办公室。</p>"}}]}`))
		// policies is renamed and moves to position 0; contact-us moves to position 0.
		if res != (sitefile.Result{Channels: 1, Pages: 1}) {
			t.Errorf("apply = %+v, want 1 channel and 1 page changed", res)
		}
		after := snap(t, s)
		if len(after.Channels) != len(before.Channels) || len(after.Pages) != len(before.Pages) {
			t.Fatalf("channels %d → %d, pages %d → %d: something was deleted",
				len(before.Channels), len(after.Channels), len(before.Pages), len(after.Pages))
		}
		if !reflect.DeepEqual(after.Site, before.Site) {
			t.Errorf("settings changed: %+v", after.Site)
		}
		tree, _ := s.Channels(ctx)
		for _, path := range []string{"news", "news/china", "news/china/government-dynamic", "news/china/industry", "news/world"} {
			if _, ok := tree.ByPath(path); !ok {
				t.Errorf("channel %s was deleted", path)
			}
		}
		if p, _ := tree.ByPath("policies"); p.Name["en"] != "Policy" {
			t.Errorf("policies not renamed: %+v", p)
		}
	})
}

func TestDecodeKeepsPresentKeysOnly(t *testing.T) {
	f, err := sitefile.Decode([]byte(`{"time_zone": "UTC", "pages": [], "footer_pages": []}`))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range f.Settings {
		keys = append(keys, k)
	}
	if len(keys) != 2 || !f.Settings["time_zone"] || !f.Settings["footer_pages"] || !f.HasPages || f.HasChannels {
		t.Errorf("Settings = %v, HasPages %v, HasChannels %v", keys, f.HasPages, f.HasChannels)
	}
}

// TestSyndicationSettings: feed_content, logo_url and websub_hub apply
// like every setting, and a second apply of the same file changes nothing.
func TestSyndicationSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		apply(t, s, seed(t))
		file := []byte(`{"feed_content": "full", "logo_url": "/static/brand.png", "websub_hub": "https://hub.example.org/"}`)
		res, err := sitefile.Apply(ctx, s, san, file)
		if err != nil || res.Settings != 3 {
			t.Fatalf("apply: %+v %v", res, err)
		}
		site, err := s.Site(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !site.FullTextFeeds() || site.LogoURL != "/static/brand.png" || site.WebSubHub != "https://hub.example.org/" || site.Name["en"] == "" {
			t.Errorf("site = %+v", site)
		}
		if res, err := sitefile.Apply(ctx, s, san, file); err != nil || res.Changed() {
			t.Errorf("second apply: %+v %v", res, err)
		}
	})
}
