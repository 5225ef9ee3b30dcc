package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// Lint checks a feed this package wrote against the rules the W3C feed
// validator enforces for the elements we use (its test cases are in
// testdata/feeds/feedvalidator: MissingElement, InvalidRFC2822Date,
// InvalidRFC3339Date, MissingSelf, DuplicateAtomLink, MissingAuthor,
// InvalidHttpGUID, DuplicateEntries, ...). name is the feed's file name
// (RSSName, AtomName, JSONFeedName). It returns one message per broken rule,
// naming the validator's class, and none for a good feed. Tests run it on
// every feed they produce; it reads documents of any size but only knows
// our vocabulary.
func Lint(name string, data []byte) []string {
	switch name {
	case RSSName:
		return lintRSS(data)
	case AtomName:
		return lintAtom(data)
	case JSONFeedName:
		return lintJSONFeed(data)
	}
	return []string{fmt.Sprintf("unknown feed name %q", name)}
}

type lintLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

var languageCode = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)

func absolute(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && u.Host != ""
}

func lintRSS(data []byte) []string {
	var doc struct {
		XMLName xml.Name
		Version string `xml:"version,attr"`
		Channel *struct {
			// atom:link first: a field without a namespace takes any.
			AtomLinks     []lintLink `xml:"http://www.w3.org/2005/Atom link"`
			Title         string     `xml:"title"`
			Link          string     `xml:"link"`
			Description   string     `xml:"description"`
			Language      string     `xml:"language"`
			LastBuildDate string     `xml:"lastBuildDate"`
			Items         []struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				Description string `xml:"description"`
				GUID        *struct {
					IsPermaLink string `xml:"isPermaLink,attr"`
					Value       string `xml:",chardata"`
				} `xml:"guid"`
				PubDate   string `xml:"pubDate"`
				Enclosure *struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
					Type   string `xml:"type,attr"`
				} `xml:"enclosure"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	var out []string
	bad := func(class, format string, args ...any) { out = append(out, class+": "+fmt.Sprintf(format, args...)) }
	if doc.XMLName.Local != "rss" || doc.Version != "2.0" {
		bad("InvalidVersion", "root is <%s version=%q>, want <rss version=\"2.0\">", doc.XMLName.Local, doc.Version)
	}
	ch := doc.Channel
	if ch == nil {
		bad("MissingElement", "channel")
		return out
	}
	for el, v := range map[string]string{"title": ch.Title, "link": ch.Link, "description": ch.Description} {
		if v == "" {
			bad("MissingElement", "channel has no %s", el)
		}
	}
	if ch.Link != "" && !absolute(ch.Link) {
		bad("InvalidURLAttribute", "channel link %q is not absolute", ch.Link)
	}
	if ch.Language != "" && !languageCode.MatchString(ch.Language) {
		bad("InvalidLanguage", "%q", ch.Language)
	}
	if ch.LastBuildDate != "" && !rfc822(ch.LastBuildDate) {
		bad("InvalidRFC2822Date", "lastBuildDate %q", ch.LastBuildDate)
	}
	self := false
	for _, l := range ch.AtomLinks {
		if l.Rel == "self" {
			self = true
			if !absolute(l.Href) {
				bad("InvalidURLAttribute", "atom:link self %q is not absolute", l.Href)
			}
		}
	}
	if !self {
		bad("MissingAtomSelfLink", "channel has no atom:link rel=\"self\"")
	}
	guids := map[string]bool{}
	for i, it := range ch.Items {
		if it.Title == "" && it.Description == "" {
			bad("ItemMustContainTitleOrDescription", "item %d", i)
		}
		if it.Link != "" && !absolute(it.Link) {
			bad("InvalidURLAttribute", "item %d link %q is not absolute", i, it.Link)
		}
		if it.GUID == nil || it.GUID.Value == "" {
			bad("MissingGuid", "item %d", i)
		} else {
			if it.GUID.IsPermaLink != "false" && !absolute(it.GUID.Value) {
				bad("InvalidHttpGUID", "item %d guid %q is a permalink but not a URL", i, it.GUID.Value)
			}
			if guids[it.GUID.Value] {
				bad("DuplicateItem", "guid %q repeats", it.GUID.Value)
			}
			guids[it.GUID.Value] = true
		}
		if it.PubDate != "" && !rfc822(it.PubDate) {
			bad("InvalidRFC2822Date", "item %d pubDate %q", i, it.PubDate)
		}
		if e := it.Enclosure; e != nil && (e.URL == "" || e.Length == "" || e.Type == "" || !absolute(e.URL)) {
			bad("MissingAttribute", "item %d enclosure needs an absolute url, a length and a type", i)
		}
	}
	return out
}

// rfc822 reports whether s is an RFC 822 date as RSS uses it: a
// four-digit year and a numeric or named zone.
func rfc822(s string) bool {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

func lintAtom(data []byte) []string {
	type person struct {
		Name string `xml:"name"`
	}
	var doc struct {
		XMLName xml.Name
		Lang    string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string     `xml:"id"`
		Title   string     `xml:"title"`
		Updated string     `xml:"updated"`
		Links   []lintLink `xml:"link"`
		Authors []person   `xml:"author"`
		Entries []struct {
			Lang      string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			ID        string     `xml:"id"`
			Title     string     `xml:"title"`
			Updated   string     `xml:"updated"`
			Published string     `xml:"published"`
			Links     []lintLink `xml:"link"`
			Authors   []person   `xml:"author"`
			Summary   *struct{}  `xml:"summary"`
			Content   *struct {
				Type string `xml:"type,attr"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	var out []string
	bad := func(class, format string, args ...any) { out = append(out, class+": "+fmt.Sprintf(format, args...)) }
	switch {
	case doc.XMLName.Space != nsAtom:
		bad("InvalidNamespace", "root is {%s}%s", doc.XMLName.Space, doc.XMLName.Local)
	case doc.XMLName.Local != "feed":
		bad("NotAFeed", "root is <%s>, want <feed>", doc.XMLName.Local)
	}
	checkLinks := func(where string, links []lintLink) (self, alternate bool) {
		seen := map[string]bool{}
		for _, l := range links {
			rel := l.Rel
			if rel == "" {
				rel = "alternate"
			}
			if !absolute(l.Href) {
				bad("InvalidURLAttribute", "%s link %q is not absolute", where, l.Href)
			}
			switch rel {
			case "self":
				self = true
			case "alternate":
				alternate = true
				key := l.Type + "|" + l.HrefLang
				if seen[key] {
					bad("DuplicateAtomLink", "%s has two alternate links of type %q and hreflang %q", where, l.Type, l.HrefLang)
				}
				seen[key] = true
			}
		}
		return self, alternate
	}
	for el, v := range map[string]string{"id": doc.ID, "title": doc.Title, "updated": doc.Updated} {
		if v == "" {
			bad("MissingElement", "feed has no %s", el)
		}
	}
	if doc.ID != "" && !absolute(doc.ID) && !bytes.HasPrefix([]byte(doc.ID), []byte("tag:")) && !bytes.HasPrefix([]byte(doc.ID), []byte("urn:")) {
		bad("InvalidFullLink", "feed id %q is not an absolute IRI", doc.ID)
	}
	if doc.Updated != "" && !rfc3339.MatchString(doc.Updated) {
		bad("InvalidRFC3339Date", "feed updated %q", doc.Updated)
	}
	if doc.Lang != "" && !languageCode.MatchString(doc.Lang) {
		bad("InvalidLanguage", "xml:lang %q", doc.Lang)
	}
	if self, _ := checkLinks("feed", doc.Links); !self {
		bad("MissingSelf", "feed has no link rel=\"self\"")
	}
	ids := map[string]bool{}
	for i, e := range doc.Entries {
		where := fmt.Sprintf("entry %d", i)
		for el, v := range map[string]string{"id": e.ID, "title": e.Title, "updated": e.Updated} {
			if v == "" {
				bad("MissingElement", "%s has no %s", where, el)
			}
		}
		if ids[e.ID] {
			bad("DuplicateEntries", "id %q repeats", e.ID)
		}
		ids[e.ID] = true
		for _, d := range []string{e.Updated, e.Published} {
			if d != "" && !rfc3339.MatchString(d) {
				bad("InvalidRFC3339Date", "%s date %q", where, d)
			}
		}
		if len(e.Authors) == 0 && len(doc.Authors) == 0 {
			bad("MissingAuthor", "%s has no author and neither has the feed", where)
		}
		_, alternate := checkLinks(where, e.Links)
		if e.Content == nil && !alternate {
			bad("MissingContentOrAlternate", "%s", where)
		}
		if e.Content == nil && e.Summary == nil {
			bad("MissingSummary", "%s has neither content nor summary", where)
		}
		if e.Content != nil && e.Content.Type != "html" && e.Content.Type != "text" && e.Content.Type != "xhtml" {
			bad("InvalidContentType", "%s content type %q", where, e.Content.Type)
		}
		if e.Lang != "" && !languageCode.MatchString(e.Lang) {
			bad("InvalidLanguage", "%s xml:lang %q", where, e.Lang)
		}
		if e.Lang == "" && doc.Lang == "" {
			bad("MissingLanguage", "%s: neither it nor the feed names a language", where)
		}
	}
	return out
}

func lintJSONFeed(data []byte) []string {
	var doc struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Language    string `json:"language"`
		Items       []struct {
			ID            string `json:"id"`
			URL           string `json:"url"`
			ContentHTML   string `json:"content_html"`
			ContentText   string `json:"content_text"`
			DatePublished string `json:"date_published"`
			DateModified  string `json:"date_modified"`
			Language      string `json:"language"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if doc.Version != JSONFeedVersion {
		bad("version is %q, want %q", doc.Version, JSONFeedVersion)
	}
	if doc.Title == "" {
		bad("no title")
	}
	if doc.Items == nil {
		bad("no items array")
	}
	for _, u := range []string{doc.HomePageURL, doc.FeedURL} {
		if !absolute(u) {
			bad("URL %q is not absolute", u)
		}
	}
	ids := map[string]bool{}
	for i, it := range doc.Items {
		if it.ID == "" || ids[it.ID] {
			bad("item %d: id %q missing or repeated", i, it.ID)
		}
		ids[it.ID] = true
		if it.ContentHTML == "" && it.ContentText == "" {
			bad("item %d: neither content_html nor content_text", i)
		}
		if !absolute(it.URL) {
			bad("item %d: url %q is not absolute", i, it.URL)
		}
		for _, d := range []string{it.DatePublished, it.DateModified} {
			if !rfc3339.MatchString(d) {
				bad("item %d: date %q is not RFC 3339", i, d)
			}
		}
		if it.Language == "" && doc.Language == "" {
			bad("item %d: neither it nor the feed names a language", i)
		}
	}
	return out
}
