package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// mgSettingsForm is the settings form as the page fills it from site, with
// changes applied (an empty value removes the field, as an unticked box).
func mgSettingsForm(site news.Site, changes ...string) url.Values {
	f := url.Values{}
	for _, lang := range news.KnownLanguages {
		f.Set("name_"+lang, site.Name[lang])
		f.Set("sponsor_"+lang, site.Sponsor[lang])
		f.Set("operator_"+lang, site.Operator[lang])
		f.Set("browser_note_"+lang, site.BrowserNote[lang])
	}
	f["languages"] = append([]string(nil), site.Languages...)
	f.Set("default_language", site.DefaultLanguage)
	f.Set("time_zone", site.TimeZone)
	f.Set("registration_number", site.RegistrationNumber)
	f.Set("footer_pages", strings.Join(site.FooterPages, ", "))
	if site.RequireTwoFactor {
		f.Set("require_two_factor", "on")
	}
	if site.FullTextFeeds() {
		f.Set("feed_full_text", "on")
	}
	f.Set("logo_url", site.LogoURL)
	f.Set("websub_hub", site.WebSubHub)
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			f.Del(changes[i])
		} else {
			f[changes[i]] = strings.Split(changes[i+1], "|")
		}
	}
	return f
}

// TestManageSettings saves settings from the form with the validation of
// `site apply`: a valid change reaches the public pages and the audit log;
// an invalid one is shown again with its problem (422) and changes nothing.
func TestManageSettings(t *testing.T) {
	refusals := []struct {
		name    string
		changes []string
		want    string
	}{
		{"unknown time zone", []string{"time_zone", "Mars/Olympus", "registration_number", "X-1"}, `unknown time zone "Mars/Olympus"`},
		{"footer page that does not exist", []string{"footer_pages", "about-us, nope"}, `page "nope" does not exist`},
		{"no language", []string{"languages", ""}, "the site needs at least one language"},
		{"default language not offered", []string{"languages", "en", "name_zh", "", "sponsor_zh", "", "operator_zh", "", "browser_note_zh", "", "default_language", "zh"}, `"zh" is not one of the site's languages`},
		{"text in a language not offered", []string{"languages", "en"}, `language "zh" is not one of the site's languages`},
		{"unknown language", []string{"languages", "en|zh|fr"}, `unknown language "fr"`},
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)
			site, err := n.store.Site(ctx)
			if err != nil {
				t.Fatal(err)
			}

			// A new registration number reaches every public page.
			p := mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site, "registration_number", "京ICP备12345678号"))
			mgWant(t, "saved", mgRedirected(t, b, "save", p, "/admin/settings"), http.StatusOK,
				"The settings were saved (registration_number).", `value="京ICP备12345678号"`)
			mgWant(t, "public home", mgPublic(t, n, "/en/"), http.StatusOK, "京ICP备12345678号")
			mgWant(t, "public page", mgPublic(t, n, "/zh/about-us/"), http.StatusOK, "京ICP备12345678号")
			if e := mgAudit(t, n, "settings.update"); e.Details["changed"] != "registration_number" || e.Details["registration_number"] != `"京ICP备12345678号"` {
				t.Errorf("audit %+v", e)
			}
			// Saving the form unchanged changes nothing and logs nothing.
			seq := mgAudit(t, n, "settings.update").Seq
			site, _ = n.store.Site(ctx)
			p = mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site))
			mgWant(t, "unchanged", mgRedirected(t, b, "unchanged", p, "/admin/settings"), http.StatusOK, "Nothing changed.")
			if e := mgAudit(t, n, "settings.update"); e.Seq != seq {
				t.Errorf("an unchanged save was audited: %+v", e)
			}
			// Several settings at once, in both languages.
			p = mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site, "name_en", "Energy Portal", "time_zone", "UTC",
				"footer_pages", "legal-notice, about-us", "require_two_factor", "on"))
			mgRedirected(t, b, "save several", p, "/admin/settings")
			after, _ := n.store.Site(ctx)
			if after.Name["en"] != "Energy Portal" || after.Name["zh"] != "国家能源局" || after.TimeZone != "UTC" ||
				strings.Join(after.FooterPages, ",") != "legal-notice,about-us" || !after.RequireTwoFactor {
				t.Errorf("stored %+v", after)
			}
			if e := mgAudit(t, n, "settings.update"); e.Details["changed"] != "footer_pages, name, require_two_factor, time_zone" {
				t.Errorf("audit changed %q", e.Details["changed"])
			}
			// Ada must now turn on two-factor sign-in before anything else.
			if p := b.get("/admin/settings"); p.status != http.StatusSeeOther || p.location != "/admin/account" {
				t.Fatalf("after requiring two-factor: %d → %q", p.status, p.location)
			}
			if _, err := n.store.SetSetting(ctx, "require_two_factor", false); err != nil {
				t.Fatal(err)
			}
			cur, _ := n.store.Site(ctx)
			// The syndication settings: full-text feeds, logo, WebSub hub.
			p = mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(cur, "feed_full_text", "on",
				"logo_url", "https://cdn.example.org/logo.png", "websub_hub", "https://hub.example.org/"))
			mgRedirected(t, b, "save syndication", p, "/admin/settings")
			if got, _ := n.store.Site(ctx); !got.FullTextFeeds() || got.LogoURL != "https://cdn.example.org/logo.png" || got.WebSubHub != "https://hub.example.org/" {
				t.Errorf("stored %+v", got)
			}
			if e := mgAudit(t, n, "settings.update"); e.Details["changed"] != "feed_content, logo_url, websub_hub" {
				t.Errorf("audit changed %q", e.Details["changed"])
			}

			site, _ = n.store.Site(ctx)
			for _, tt := range refusals {
				t.Run(tt.name, func(t *testing.T) {
					p := mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site, tt.changes...))
					mgWant(t, tt.name, p, http.StatusUnprocessableEntity, tt.want, `class="problem"`)
					if now, _ := n.store.Site(ctx); !reflect.DeepEqual(now, site) {
						t.Errorf("a refused form changed the settings:\n%+v\n%+v", site, now)
					}
				})
			}
			// Bad syndication settings are refused like the others.
			p = mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site, "websub_hub", "not a url", "logo_url", "logo.png"))
			mgWant(t, "bad syndication", p, http.StatusUnprocessableEntity, "must be an absolute http(s) URL", `id="set-websub-hub-error"`, `id="set-logo-url-error"`)
			if now, _ := n.store.Site(ctx); !reflect.DeepEqual(now, site) {
				t.Errorf("a refused form changed the settings")
			}
			// The refused form keeps what was typed.
			p = mgSubmit(b, "/admin/settings", "/admin/settings", mgSettingsForm(site, "time_zone", "Mars/Olympus", "registration_number", "X-1"))
			mgWant(t, "kept", p, http.StatusUnprocessableEntity, `value="Mars/Olympus"`, `value="X-1"`, `aria-invalid="true"`)
		})
	}
}
