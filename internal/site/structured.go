package site

import (
	"strconv"
	"time"

	"newsdesk/internal/news"
)

// metaTag is one <meta> of the page head: Open Graph tags use property,
// Twitter cards name.
type metaTag struct {
	Property, Name, Content string
}

// ogLocales are Open Graph's locales for our languages.
var ogLocales = map[string]string{"en": "en_US", "zh": "zh_CN"}

// shareMeta fills what search engines and social networks read from an
// article page: the JSON-LD NewsArticle, Open Graph and Twitter card
// tags. URLs in them are absolute: base (scheme and host, as baseURL).
// lead is the article's lead image, nil when it has none.
func (s *Server) shareMeta(base string, p *pageData, f frame, a news.Article, lead *news.Media) {
	loc := f.loc
	def := f.site.DefaultLanguage
	url := base + escapePath(a.Path(loc))
	siteName := p.SiteName
	logo := s.logoURL(f.site, base)
	published, modified := a.ReleaseAt.In(loc).Format(time.RFC3339), modifiedAt(a).In(loc).Format(time.RFC3339)
	description := a.Summary
	if description == "" {
		description = p.Description
	}
	section := ""
	if c, ok := f.tree.ByPath(a.ChannelPath); ok {
		section = c.Name.In(a.Language, def)
	}

	publisher := map[string]any{"@type": "Organization", "name": siteName, "url": base + "/" + a.Language + "/"}
	if logo != "" {
		publisher["logo"] = map[string]any{"@type": "ImageObject", "url": logo}
	}
	ld := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "NewsArticle",
		"mainEntityOfPage":    map[string]any{"@type": "WebPage", "@id": url},
		"url":                 url,
		"headline":            a.Headline,
		"datePublished":       published,
		"dateModified":        modified,
		"inLanguage":          p.HTMLLang,
		"publisher":           publisher,
		"isAccessibleForFree": true,
	}
	if description != "" {
		ld["description"] = description
	}
	switch {
	case a.Byline != "":
		ld["author"] = []any{map[string]any{"@type": "Person", "name": a.Byline}}
	case a.Source != "":
		ld["author"] = []any{map[string]any{"@type": "Organization", "name": a.Source}}
	default:
		ld["author"] = []any{map[string]any{"@type": "Organization", "name": siteName, "url": base + "/" + a.Language + "/"}}
	}
	if a.Source != "" {
		ld["sourceOrganization"] = map[string]any{"@type": "Organization", "name": a.Source}
	}
	if a.Editor != "" {
		ld["editor"] = map[string]any{"@type": "Person", "name": a.Editor}
	}
	if section != "" {
		ld["articleSection"] = section
	}
	if len(a.Tags) > 0 {
		ld["keywords"] = a.Tags
	}
	var corrections []any
	for _, c := range a.Corrections {
		corrections = append(corrections, map[string]any{"@type": "CorrectionComment", "text": c.Note,
			"datePublished": c.At.In(loc).Format(time.RFC3339)})
	}
	if len(corrections) > 0 {
		ld["correction"] = corrections
	}
	if a.Status == news.StatusRetracted {
		ld["creativeWorkStatus"] = "Retracted"
	}
	image := logo // stands in for og:image when there is no lead image
	card := "summary"
	if lead != nil && lead.Kind == news.MediaImage {
		image, card = base+lead.URL(), "summary_large_image"
		ld["image"] = []any{map[string]any{"@type": "ImageObject", "url": image, "width": lead.Width, "height": lead.Height}}
	}
	p.LD = ld

	og := func(property, content string) {
		if content != "" {
			p.Meta = append(p.Meta, metaTag{Property: property, Content: content})
		}
	}
	og("og:type", "article")
	og("og:title", a.Headline)
	og("og:description", description)
	og("og:url", url)
	og("og:site_name", siteName)
	og("og:locale", ogLocales[a.Language])
	og("og:image", image)
	if lead != nil && lead.Kind == news.MediaImage {
		og("og:image:width", strconv.Itoa(lead.Width))
		og("og:image:height", strconv.Itoa(lead.Height))
		og("og:image:alt", lead.Alt)
	}
	og("article:published_time", published)
	og("article:modified_time", modified)
	og("article:section", section)
	for _, t := range a.Tags {
		og("article:tag", t)
	}
	p.Meta = append(p.Meta, metaTag{Name: "twitter:card", Content: card},
		metaTag{Name: "twitter:title", Content: a.Headline})
	if description != "" {
		p.Meta = append(p.Meta, metaTag{Name: "twitter:description", Content: description})
	}
}
