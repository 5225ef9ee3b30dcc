package store

import (
	"context"
	"encoding/json"
	"fmt"

	"newsdesk/internal/news"
)

// Setting keys, each holding a JSON value.
const (
	keyName               = "name"
	keyLanguages          = "languages"
	keyDefaultLanguage    = "default_language"
	keyTimeZone           = "time_zone"
	keySponsor            = "sponsor"
	keyOperator           = "operator"
	keyRegistrationNumber = "registration_number"
	keyBrowserNote        = "browser_note"
	keyFooterPages        = "footer_pages"
	keyRequireTwoFactor   = "require_two_factor"
	keyFeedContent        = "feed_content"
	keyLogoURL            = "logo_url"
	keyWebSubHub          = "websub_hub"
)

// Site loads the site settings. An empty database gives a zero Site.
func (q *queries) Site(ctx context.Context) (news.Site, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return news.Site{}, fmt.Errorf("load settings: %w", err)
	}
	defer rows.Close()
	var s news.Site
	targets := map[string]any{
		keyName: &s.Name, keyLanguages: &s.Languages, keyDefaultLanguage: &s.DefaultLanguage,
		keyTimeZone: &s.TimeZone, keySponsor: &s.Sponsor, keyOperator: &s.Operator,
		keyRegistrationNumber: &s.RegistrationNumber, keyBrowserNote: &s.BrowserNote,
		keyFooterPages: &s.FooterPages, keyRequireTwoFactor: &s.RequireTwoFactor,
		keyFeedContent: &s.FeedContent, keyLogoURL: &s.LogoURL, keyWebSubHub: &s.WebSubHub,
	}
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return news.Site{}, fmt.Errorf("load settings: %w", err)
		}
		if dst, ok := targets[key]; ok {
			if err := json.Unmarshal([]byte(value), dst); err != nil {
				return news.Site{}, fmt.Errorf("load setting %s: %w", key, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return news.Site{}, fmt.Errorf("load settings: %w", err)
	}
	return s, nil
}

// SiteSettings lists the settings of s by key, as JSON-ready values, for
// SetSettings; callers pick the keys they mean to change.
func SiteSettings(s news.Site) map[string]any {
	return map[string]any{
		keyName: s.Name, keyLanguages: s.Languages, keyDefaultLanguage: s.DefaultLanguage,
		keyTimeZone: s.TimeZone, keySponsor: s.Sponsor, keyOperator: s.Operator,
		keyRegistrationNumber: s.RegistrationNumber, keyBrowserNote: s.BrowserNote,
		keyFooterPages: s.FooterPages, keyRequireTwoFactor: s.RequireTwoFactor,
		keyFeedContent: s.FeedContent, keyLogoURL: s.LogoURL, keyWebSubHub: s.WebSubHub,
	}
}

// SetSetting stores one setting and reports whether its value changed.
func (q *queries) SetSetting(ctx context.Context, key string, value any) (bool, error) {
	b, err := json.Marshal(value)
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", key, err)
	}
	var old string
	err = q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&old)
	if err == nil && old == string(b) {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES ($1, $2)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, string(b)); err != nil {
		return false, fmt.Errorf("setting %s: %w", key, err)
	}
	return true, nil
}
