package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"newsdesk/internal/news"
)

// ogLocales are Open Graph's locales for our languages.
var ogLocales = map[string]string{"en": "en_US", "zh": "zh_CN"}

// shareMeta fills what search engines and social networks read from an
// article page: the JSON-LD NewsArticle, Open Graph and Twitter card
// tags. URLs in them are absolute: base (scheme and host, as baseURL).
// lead is the article's lead image, nil when it has none.
//
// Both are rendered here rather than by layout.html, which only inserts
// them: a template spends an escaper call through reflection on each of
// the some 30 attribute values of the tags, and html/template hands a
// map to encoding/json, which sorts its keys on every page. The bytes
// are those the template wrote from the tag list and map it once had
// (structured_internal_test.go holds that path and compares).
func (s *Server) shareMeta(base string, p *pageData, f frame, a news.Article, lead *news.Media) error {
	sh := articleShare{
		base:      base,
		url:       base + escapePath(a.Path(f.loc)),
		siteName:  p.SiteName,
		logo:      s.logoURL(f.site, base),
		lang:      p.HTMLLang,
		loc:       f.loc,
		published: a.ReleaseAt.In(f.loc).Format(time.RFC3339),
		modified:  modifiedAt(a).In(f.loc).Format(time.RFC3339),
	}
	sh.description = a.Summary
	if sh.description == "" {
		sh.description = p.Description
	}
	if c, ok := f.tree.ByPath(a.ChannelPath); ok {
		sh.section = c.Name.In(a.Language, f.site.DefaultLanguage)
	}
	ld, err := sh.jsonLD(a, lead)
	if err != nil {
		return err
	}
	p.LD = ld
	p.MetaTags = sh.metaTags(a, lead)
	return nil
}

// articleShare is what an article page's share tags and structured data
// say besides the article's own fields, worked out once by shareMeta.
type articleShare struct {
	// base is the scheme and host; url the article's absolute address.
	base, url string
	siteName  string
	// logo is the site logo's absolute URL, "" for none.
	logo string
	// lang is the page's <html lang>.
	lang string
	// loc is the site's zone; published and modified are in it (RFC 3339).
	loc                 *time.Location
	published, modified string
	// description is the article's summary, or the site's when it has none.
	description string
	// section is the name of the article's channel, "" when unknown.
	section string
}

// leadImage is the lead image the share tags and structured data show:
// lead when it is an image, else nil.
func leadImage(lead *news.Media) *news.Media {
	if lead != nil && lead.Kind == news.MediaImage {
		return lead
	}
	return nil
}

// metaTags renders the Open Graph and Twitter card <meta> tags of an
// article page, one a line, as HTML for the head: each attribute value
// escaped as html/template escapes it there (appendEscaped), so the bytes
// are what the layout wrote when it ranged over the tags itself. A tag
// of Open Graph with no content is left out.
func (sh articleShare) metaTags(a news.Article, lead *news.Media) template.HTML {
	b := make([]byte, 0, 1024+3*len(sh.url)+3*len(a.Headline)+2*len(sh.description))
	tag := func(attr, key, content string) {
		b = append(b, `<meta `...)
		b = append(b, attr...)
		b = append(b, `="`...)
		b = appendEscaped(b, key)
		b = append(b, `" content="`...)
		b = appendEscaped(b, content)
		b = append(b, "\">\n"...)
	}
	og := func(property, content string) {
		if content != "" {
			tag("property", property, content)
		}
	}
	image, card := sh.logo, "summary" // the logo stands in for og:image when there is no lead image
	img := leadImage(lead)
	if img != nil {
		image, card = sh.base+img.URL(), "summary_large_image"
	}
	og("og:type", "article")
	og("og:title", a.Headline)
	og("og:description", sh.description)
	og("og:url", sh.url)
	og("og:site_name", sh.siteName)
	og("og:locale", ogLocales[a.Language])
	og("og:image", image)
	if img != nil {
		og("og:image:width", strconv.Itoa(img.Width))
		og("og:image:height", strconv.Itoa(img.Height))
		og("og:image:alt", img.Alt)
	}
	og("article:published_time", sh.published)
	og("article:modified_time", sh.modified)
	og("article:section", sh.section)
	for _, t := range a.Tags {
		og("article:tag", t)
	}
	tag("name", "twitter:card", card)
	tag("name", "twitter:title", a.Headline)
	if sh.description != "" {
		tag("name", "twitter:description", sh.description)
	}
	// Every value went through appendEscaped.
	return template.HTML(b)
}

// The JSON-LD types below are the NewsArticle of an article page. Each
// type's fields are in the byte order of their JSON names, the order in
// which encoding/json writes a map's keys, and omitempty leaves out just
// what the page leaves out: the JSON is what html/template wrote when it
// marshalled the NewsArticle as a map, without sorting keys per page.

// ldNewsArticle is the schema.org NewsArticle.
type ldNewsArticle struct {
	Context             string         `json:"@context"`
	Type                string         `json:"@type"`
	ArticleSection      string         `json:"articleSection,omitempty"`
	Author              []ldAgent      `json:"author"`
	Correction          []ldCorrection `json:"correction,omitempty"`
	CreativeWorkStatus  string         `json:"creativeWorkStatus,omitempty"`
	DateModified        string         `json:"dateModified"`
	DatePublished       string         `json:"datePublished"`
	Description         string         `json:"description,omitempty"`
	Editor              *ldAgent       `json:"editor,omitempty"`
	Headline            string         `json:"headline"`
	Image               []ldImage      `json:"image,omitempty"`
	InLanguage          string         `json:"inLanguage"`
	IsAccessibleForFree bool           `json:"isAccessibleForFree"`
	Keywords            []string       `json:"keywords,omitempty"`
	MainEntityOfPage    ldWebPage      `json:"mainEntityOfPage"`
	Publisher           ldPublisher    `json:"publisher"`
	SourceOrganization  *ldAgent       `json:"sourceOrganization,omitempty"`
	URL                 string         `json:"url"`
}

// ldAgent is a Person or an Organization; only the site itself, as
// author, gives its URL.
type ldAgent struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// ldPublisher is the site as the Organization publishing the article.
type ldPublisher struct {
	Type string  `json:"@type"`
	Logo *ldLogo `json:"logo,omitempty"`
	Name string  `json:"name"`
	URL  string  `json:"url"`
}

// ldLogo is the publisher's logo, an ImageObject.
type ldLogo struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

// ldImage is the lead image, an ImageObject with its size.
type ldImage struct {
	Type   string `json:"@type"`
	Height int    `json:"height"`
	URL    string `json:"url"`
	Width  int    `json:"width"`
}

// ldWebPage is the page the article is the main entity of.
type ldWebPage struct {
	ID   string `json:"@id"`
	Type string `json:"@type"`
}

// ldCorrection is a CorrectionComment: a correction's note and date.
type ldCorrection struct {
	Type          string `json:"@type"`
	DatePublished string `json:"datePublished"`
	Text          string `json:"text"`
}

// jsonLD is the article's JSON-LD NewsArticle, marshalled as html/template
// marshals a value in a script (encoding/json, which escapes <, >, &,
// U+2028 and U+2029, so it cannot end the script): the layout inserts it
// as it is.
func (sh articleShare) jsonLD(a news.Article, lead *news.Media) (template.JS, error) {
	home := sh.base + "/" + a.Language + "/"
	ld := ldNewsArticle{
		Context:             "https://schema.org",
		Type:                "NewsArticle",
		ArticleSection:      sh.section,
		DateModified:        sh.modified,
		DatePublished:       sh.published,
		Description:         sh.description,
		Headline:            a.Headline,
		InLanguage:          sh.lang,
		IsAccessibleForFree: true,
		Keywords:            a.Tags,
		MainEntityOfPage:    ldWebPage{ID: sh.url, Type: "WebPage"},
		Publisher:           ldPublisher{Type: "Organization", Name: sh.siteName, URL: home},
		URL:                 sh.url,
	}
	if sh.logo != "" {
		ld.Publisher.Logo = &ldLogo{Type: "ImageObject", URL: sh.logo}
	}
	switch {
	case a.Byline != "":
		ld.Author = []ldAgent{{Type: "Person", Name: a.Byline}}
	case a.Source != "":
		ld.Author = []ldAgent{{Type: "Organization", Name: a.Source}}
	default:
		ld.Author = []ldAgent{{Type: "Organization", Name: sh.siteName, URL: home}}
	}
	if a.Source != "" {
		ld.SourceOrganization = &ldAgent{Type: "Organization", Name: a.Source}
	}
	if a.Editor != "" {
		ld.Editor = &ldAgent{Type: "Person", Name: a.Editor}
	}
	for _, c := range a.Corrections {
		ld.Correction = append(ld.Correction, ldCorrection{Type: "CorrectionComment",
			DatePublished: c.At.In(sh.loc).Format(time.RFC3339), Text: c.Note})
	}
	if a.Status == news.StatusRetracted {
		ld.CreativeWorkStatus = "Retracted"
	}
	if img := leadImage(lead); img != nil {
		ld.Image = []ldImage{{Type: "ImageObject", URL: sh.base + img.URL(), Width: img.Width, Height: img.Height}}
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", fmt.Errorf("json-ld of article %d: %w", a.ID, err)
	}
	// encoding/json's output, escaped for a script.
	return template.JS(b), nil
}
