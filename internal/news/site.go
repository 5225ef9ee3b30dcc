package news

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Site holds the settings that frame every public page: names, languages, the
// time zone release times are shown in, and the lines the footer must carry.
type Site struct {
	Name               Localized
	Languages          []string
	DefaultLanguage    string
	TimeZone           string
	Sponsor            Localized
	Operator           Localized
	RegistrationNumber string
	BrowserNote        Localized
	// FooterPages lists page slugs in the order the footer links them.
	FooterPages []string
	// RequireTwoFactor obliges chief editors and administrators to sign in
	// with a one-time code as well as their password.
	RequireTwoFactor bool
	// FeedContent says what feeds carry of each article: FeedFull (the
	// whole body) or FeedSummary (the summary and a link); "" is summary.
	FeedContent string
	// LogoURL is the publisher logo named in structured data: an absolute
	// http(s) URL or a path on this site; "" uses the built-in logo.
	LogoURL string
	// WebSubHub is the WebSub hub pinged when feeds change, and advertised
	// in them; "" for none.
	WebSubHub string
}

// What feeds carry of each article (Site.FeedContent).
const (
	FeedFull    = "full"
	FeedSummary = "summary"
)

// FullTextFeeds reports whether feeds carry whole bodies.
func (s Site) FullTextFeeds() bool { return s.FeedContent == FeedFull }

// Location returns the site's time zone, UTC when it is unset. An invalid zone
// never reaches storage (Validate refuses it), so the fallback is for empty sites.
func (s Site) Location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// HasLanguage reports whether the site publishes in lang.
func (s Site) HasLanguage(lang string) bool {
	for _, l := range s.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Configured reports whether settings have been applied at all; an empty
// database has a zero Site.
func (s Site) Configured() bool { return len(s.Languages) > 0 }

// ValidateSiteSettings checks the settings part of a site; path prefixes are
// JSON paths of the file the settings came from.
func ValidateSiteSettings(s Site, v *ValidationError) {
	for i, l := range s.Languages {
		if !IsKnownLanguage(l) {
			v.Add(fmt.Sprintf("languages[%d]", i), "unknown language %q (known: en, zh)", l)
		}
	}
	if s.DefaultLanguage != "" && !s.HasLanguage(s.DefaultLanguage) {
		v.Add("default_language", "%q is not one of the site's languages", s.DefaultLanguage)
	}
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil {
			v.Add("time_zone", "unknown time zone %q", s.TimeZone)
		}
	}
	switch s.FeedContent {
	case "", FeedFull, FeedSummary:
	default:
		v.Add("feed_content", "must be %q or %q, not %q", FeedFull, FeedSummary, s.FeedContent)
	}
	if s.LogoURL != "" && !strings.HasPrefix(s.LogoURL, "/") && !isWebURL(s.LogoURL) {
		v.Add("logo_url", "must be an absolute http(s) URL or a path starting with /, not %q", s.LogoURL)
	}
	if s.WebSubHub != "" && !isWebURL(s.WebSubHub) {
		v.Add("websub_hub", "must be an absolute http(s) URL, not %q", s.WebSubHub)
	}
	for _, f := range []struct {
		name string
		text Localized
	}{{"name", s.Name}, {"sponsor", s.Sponsor}, {"operator", s.Operator}, {"browser_note", s.BrowserNote}} {
		for lang := range f.text {
			if !IsKnownLanguage(lang) {
				v.Add(f.name+"."+lang, "unknown language %q", lang)
			}
		}
	}
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}
