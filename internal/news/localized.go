package news

// Localized is a text in several languages, keyed by language code ("en", "zh").
type Localized map[string]string

// In returns the text in lang, falling back to fallback and then to any
// language present, so a missing translation shows something rather than nothing.
func (l Localized) In(lang, fallback string) string {
	if s, ok := l[lang]; ok && s != "" {
		return s
	}
	if s, ok := l[fallback]; ok && s != "" {
		return s
	}
	for _, code := range KnownLanguages {
		if s := l[code]; s != "" {
			return s
		}
	}
	return ""
}

// KnownLanguages are the languages Newsdesk has labels and text analysis for.
var KnownLanguages = []string{"en", "zh"}

// IsKnownLanguage reports whether code is one of KnownLanguages.
func IsKnownLanguage(code string) bool {
	for _, k := range KnownLanguages {
		if k == code {
			return true
		}
	}
	return false
}
