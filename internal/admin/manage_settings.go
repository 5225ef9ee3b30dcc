package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
)

// settingsData is what settings.html shows: every site setting as a field.
type settingsData struct {
	Name, Sponsor, Operator, Note  textGroup
	Languages, Default             []roleOption
	TimeZone, Registration, Footer string
	TwoFactor                      bool
	// FullText, Logo and Hub are the syndication settings.
	FullText  bool
	Logo, Hub string
}

// textGroup is one localized setting: a fieldset with an input per
// language. Key is its JSON key, which its errors are filed under.
type textGroup struct {
	P           *page
	Key, Legend string
	Fields      []langField
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.settingsView(r)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "settings", p)
}

// settingsView fills the form from the stored settings, or from what was
// submitted when it is shown again.
func (s *Server) settingsView(r *http.Request) (*page, error) {
	p := s.newPage(r, "settings")
	site, err := s.store.Site(r.Context())
	if err != nil {
		return nil, err
	}
	var form url.Values
	if r.Method == http.MethodPost {
		form = r.PostForm
		site = settingsFromForm(form)
	}
	langs := news.KnownLanguages
	group := func(key string, text news.Localized) textGroup {
		return textGroup{P: p, Key: key, Legend: p.L["setting_"+key], Fields: langFields(langs, key, "set-", text, form)}
	}
	d := &settingsData{
		Name: group("name", site.Name), Sponsor: group("sponsor", site.Sponsor),
		Operator: group("operator", site.Operator), Note: group("browser_note", site.BrowserNote),
		TimeZone: site.TimeZone, Registration: site.RegistrationNumber,
		Footer: strings.Join(site.FooterPages, ", "), TwoFactor: site.RequireTwoFactor,
		FullText: site.FullTextFeeds(), Logo: site.LogoURL, Hub: site.WebSubHub,
	}
	if form != nil {
		d.TimeZone, d.Registration, d.Footer = form.Get("time_zone"), form.Get("registration_number"), form.Get("footer_pages")
	}
	for _, lang := range langs {
		d.Languages = append(d.Languages, roleOption{Value: lang, Label: p.L["lang_"+lang], Selected: site.HasLanguage(lang)})
		d.Default = append(d.Default, roleOption{Value: lang, Label: p.L["lang_"+lang], Selected: site.DefaultLanguage == lang})
	}
	p.Data = d
	return p, nil
}

// settingsFromForm reads every setting from the form; texts left empty are
// absent in that language.
func settingsFromForm(f url.Values) news.Site {
	langs := news.KnownLanguages
	site := news.Site{
		Name: localized(f, langs, "name"), Sponsor: localized(f, langs, "sponsor"),
		Operator: localized(f, langs, "operator"), BrowserNote: localized(f, langs, "browser_note"),
		DefaultLanguage:    strings.TrimSpace(f.Get("default_language")),
		TimeZone:           strings.TrimSpace(f.Get("time_zone")),
		RegistrationNumber: strings.TrimSpace(f.Get("registration_number")),
		RequireTwoFactor:   f.Get("require_two_factor") == "on",
		LogoURL:            strings.TrimSpace(f.Get("logo_url")),
		WebSubHub:          strings.TrimSpace(f.Get("websub_hub")),
		Languages:          []string{},
		FooterPages:        []string{},
	}
	// Unticked leaves the default (""), which is the summary.
	if f.Get("feed_full_text") == "on" {
		site.FeedContent = news.FeedFull
	}
	for _, lang := range f["languages"] {
		if !site.HasLanguage(lang) {
			site.Languages = append(site.Languages, lang)
		}
	}
	for _, slug := range strings.Split(f.Get("footer_pages"), ",") {
		if slug = strings.TrimSpace(slug); slug != "" {
			site.FooterPages = append(site.FooterPages, slug)
		}
	}
	return site
}

// saveSettings applies the form as `site apply` would apply a file naming
// every setting, in one transaction with its audit-log line.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	site := settingsFromForm(r.PostForm)
	var changed []string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Site(ctx)
		if err != nil {
			return err
		}
		if _, err := sitefile.ApplyFile(ctx, tx, s.san, sitefile.SettingsFile(site)); err != nil {
			return err
		}
		after, err := tx.Site(ctx)
		if err != nil {
			return err
		}
		old, now := store.SiteSettings(before), store.SiteSettings(after)
		details := map[string]string{}
		for key, value := range now {
			if jsonText(value) != jsonText(old[key]) {
				changed = append(changed, key)
				details[key] = jsonText(value)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		sort.Strings(changed)
		details["changed"] = strings.Join(changed, ", ")
		if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), Kind: news.ChangeSite, Details: map[string]string{"what": "settings"}}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "settings.update", "site", details))
		return err
	})
	if err != nil {
		p, perr := s.settingsView(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "settings", p, formErrors(err, "", nil))
	}
	l := labels[s.lang(r)]
	msg := l["no_change"]
	if len(changed) > 0 {
		msg = fmt.Sprintf(l["settings_saved"], strings.Join(changed, ", "))
	}
	return s.flashRedirect(w, r, msg, "/admin/settings")
}
