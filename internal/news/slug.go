package news

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReservedSlugs cannot name a top-level channel or a page: they are the first
// path segments the portal itself uses after /{lang}/.
var ReservedSlugs = []string{"search", "corrections", "tags", "preview", "feed.xml", "atom.xml", "feed.json", "static", "media", "admin", "api"}

// IsReservedSlug reports whether s is one of ReservedSlugs.
func IsReservedSlug(s string) bool {
	for _, r := range ReservedSlugs {
		if r == s {
			return true
		}
	}
	return false
}

// ValidSlug reports whether s may be used as a URL segment: lower-case letters
// of any script, digits and single inner hyphens.
func ValidSlug(s string) bool {
	if s == "" || len(s) > maxSlugBytes || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		switch {
		case r == '-':
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.IsUpper(r):
		default:
			return false
		}
	}
	return true
}

// maxSlugRunes keeps URLs short enough to share and to store as file names.
const maxSlugRunes = 80

// maxSlugBytes is ValidSlug's limit; Slugify stays within it too, as 80
// Chinese characters take 240 bytes.
const maxSlugBytes = 200

// Slugify derives a URL segment from a headline. Latin text becomes lower-case
// words joined by hyphens; letters of other scripts (a Chinese headline) are
// kept as they are, which browsers show readably in the address bar. It returns
// "" when nothing usable is left.
func Slugify(text string) string {
	var b strings.Builder
	n := 0
	pendingHyphen := false
	for _, r := range text {
		if n >= maxSlugRunes {
			break
		}
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		case r >= 'A' && r <= 'Z':
			r = unicode.ToLower(r)
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r = unicode.ToLower(r)
			if unicode.IsUpper(r) { // a capital with no lower-case form
				pendingHyphen = b.Len() > 0
				continue
			}
		case r == '\'' || r == '’':
			continue // "China's" → "chinas"
		default:
			pendingHyphen = b.Len() > 0
			continue
		}
		runes, size := 1, utf8.RuneLen(r)
		if pendingHyphen {
			runes, size = 2, size+1
		}
		if n+runes > maxSlugRunes || b.Len()+size > maxSlugBytes {
			break // the hyphen and the rune would not both fit
		}
		if pendingHyphen {
			b.WriteByte('-')
			n++
			pendingHyphen = false
		}
		b.WriteRune(r)
		n++
	}
	return strings.Trim(b.String(), "-")
}
