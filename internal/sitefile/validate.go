package sitefile

import (
	"fmt"
	"strings"

	"newsdesk/internal/news"
)

// Validate checks what the file means: known languages and time zone,
// well-formed and unique slugs, no reserved or colliding names, and footer
// pages that exist (in the file or already in existing).
func (f *File) Validate(existingPages, existingTopChannels []string) error {
	v := &news.ValidationError{}
	news.ValidateSiteSettings(f.Site, v)
	langs := f.Site.Languages
	if !f.Settings["languages"] {
		langs = nil // languages already stored are checked by the caller's merge
	} else if len(langs) == 0 {
		// Say so once, rather than once for every text in some language.
		v.Add("languages", "the site needs at least one language")
		langs = nil
	}
	checkTexts := func(path string, l news.Localized) {
		for lang := range l {
			if !news.IsKnownLanguage(lang) {
				v.Add(path+"."+lang, "unknown language %q (known: %s)", lang, strings.Join(news.KnownLanguages, ", "))
			} else if langs != nil && !contains(langs, lang) {
				v.Add(path+"."+lang, "language %q is not one of the site's languages", lang)
			}
		}
	}

	topLevel := map[string]string{} // slug → JSON path, shared by pages and top-level channels
	var walk func(list []ChannelSpec, top bool)
	walk = func(list []ChannelSpec, top bool) {
		seen := map[string]string{}
		for _, c := range list {
			switch {
			case channelSlugProblem(c.Slug, top) != "":
				v.Add(c.path+".slug", "%s", channelSlugProblem(c.Slug, top))
			case seen[c.Slug] != "":
				v.Add(c.path+".slug", "duplicate slug %q (also at %s)", c.Slug, seen[c.Slug])
			default:
				seen[c.Slug] = c.path
				if top {
					topLevel[c.Slug] = c.path
				}
			}
			checkTexts(c.path+".name", c.Name)
			walk(c.Children, false)
		}
	}
	walk(f.Channels, true)

	pageSlugs := map[string]bool{}
	for i, p := range f.Pages {
		path := fmt.Sprintf("pages[%d]", i)
		switch {
		case pageSlugProblem(p.Slug) != "":
			v.Add(path+".slug", "%s", pageSlugProblem(p.Slug))
		case pageSlugs[p.Slug]:
			v.Add(path+".slug", "duplicate page slug %q", p.Slug)
		case topLevel[p.Slug] != "":
			v.Add(path+".slug", "%q is already a top-level channel (%s); pages and top-level channels share one namespace", p.Slug, topLevel[p.Slug])
		case contains(existingTopChannels, p.Slug):
			v.Add(path+".slug", "%q is already a top-level channel; pages and top-level channels share one namespace", p.Slug)
		}
		pageSlugs[p.Slug] = true
		checkTexts(path+".title", p.Title)
		checkTexts(path+".body", p.Body)
	}
	for slug, path := range topLevel {
		if !pageSlugs[slug] && contains(existingPages, slug) {
			v.Add(path+".slug", "%q is already a page; pages and top-level channels share one namespace", slug)
		}
	}
	for i, slug := range f.Site.FooterPages {
		if !pageSlugs[slug] && !contains(existingPages, slug) {
			v.Add(fmt.Sprintf("footer_pages[%d]", i), "page %q does not exist (define it under pages)", slug)
		}
	}
	checkTexts("name", f.Site.Name)
	checkTexts("sponsor", f.Site.Sponsor)
	checkTexts("operator", f.Site.Operator)
	checkTexts("browser_note", f.Site.BrowserNote)
	return v.Err()
}

// channelSlugProblem says what is wrong with slug as a channel's own, "" when
// nothing; top marks a top-level channel, whose slug sits right after
// /{lang}/ beside the portal's own names.
func channelSlugProblem(slug string, top bool) string {
	switch {
	case slug == "":
		return "is missing"
	case !news.ValidSlug(slug):
		return fmt.Sprintf("%q is not a valid slug (lower-case letters, digits and inner hyphens)", slug)
	case isDigits(slug):
		return fmt.Sprintf("%q is all digits, which article URLs use for dates", slug)
	case top && news.IsReservedSlug(slug):
		return fmt.Sprintf("%q is reserved for the portal's own URLs", slug)
	}
	return ""
}

// pageSlugProblem says what is wrong with slug as a page's, "" when nothing.
func pageSlugProblem(slug string) string {
	switch {
	case slug == "":
		return "is missing"
	case !news.ValidSlug(slug):
		return fmt.Sprintf("%q is not a valid slug (lower-case letters, digits and inner hyphens)", slug)
	case news.IsReservedSlug(slug):
		return fmt.Sprintf("%q is reserved for the portal's own URLs", slug)
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
