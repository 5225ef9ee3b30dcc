package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Namespaces the RSS writer declares.
const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
)

// generator names the software in every feed, as RSS and Atom suggest.
const generator = "Newsdesk"

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Language      string     `xml:"language,omitempty"`
	LastBuildDate string     `xml:"lastBuildDate,omitempty"`
	Generator     string     `xml:"generator"`
	Links         []atomLink `xml:"atom:link"`
	Image         *rssImage  `xml:"image,omitempty"`
	Items         []rssItem  `xml:"item"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Description string        `xml:"description,omitempty"`
	Content     string        `xml:"content:encoded,omitempty"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Language    string        `xml:"dc:language,omitempty"`
	Categories  []string      `xml:"category"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Enclosure   *rssEnclosure `xml:"enclosure,omitempty"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// rssDate is RFC 822 with a four-digit year and a numeric zone, the form
// the RSS profile and the feed validator ask for.
func rssDate(t time.Time) string { return t.Format(time.RFC1123Z) }

// WriteRSS writes f as RSS 2.0. Items get a guid that is not a permalink
// (their tag: URI), so an edited slug never makes a story new again; the
// body travels in content:encoded and the summary in description; authors
// that are names rather than e-mail addresses go in dc:creator.
func WriteRSS(w io.Writer, f Feed) error {
	ch := rssChannel{
		Title: f.Title, Link: f.HomeURL, Description: f.Description, Language: f.Language,
		Generator: generator,
	}
	if ch.Description == "" {
		ch.Description = f.Title // required, and never empty
	}
	if !f.Updated.IsZero() {
		ch.LastBuildDate = rssDate(f.Updated)
	}
	if f.SelfURL != "" {
		ch.Links = append(ch.Links, atomLink{Rel: "self", Type: RSSType, Href: f.SelfURL})
	}
	if f.HubURL != "" {
		ch.Links = append(ch.Links, atomLink{Rel: "hub", Href: f.HubURL})
	}
	if f.IconURL != "" {
		ch.Image = &rssImage{URL: f.IconURL, Title: f.Title, Link: f.HomeURL}
	}
	for _, it := range f.Items {
		ri := rssItem{
			Title: it.Title, Link: it.URL, Description: it.Summary, Content: it.ContentHTML,
			Creator: it.Author, Categories: it.Categories,
			GUID:    rssGUID{IsPermaLink: "false", Value: it.ID},
			PubDate: rssDate(it.Published),
		}
		if f.Language == "" {
			ri.Language = it.Language // RSS has no item language; Dublin Core does
		}
		if ri.Description == "" && ri.Content != "" {
			ri.Description = ri.Content
		}
		if it.Image != nil {
			ri.Enclosure = &rssEnclosure{URL: it.Image.URL, Length: strconv.FormatInt(it.Image.Length, 10), Type: it.Image.Type}
		}
		ch.Items = append(ch.Items, ri)
	}
	doc := rssDoc{Version: "2.0", NSAtom: nsAtom, NSContent: nsContent, NSDC: nsDC, Channel: ch}
	return writeXML(w, doc, "RSS")
}

// writeXML writes an XML declaration and v, indented for people reading
// the feed.
func writeXML(w io.Writer, v any, what string) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
