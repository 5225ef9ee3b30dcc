package feed

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    *atomPerson `xml:"author,omitempty"`
	Generator string      `xml:"generator"`
	Icon      string      `xml:"icon,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Length   string `xml:"length,attr,omitempty"`
	Href     string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

// atomDate is RFC 3339 with the offset the time carries.
func atomDate(t time.Time) string { return t.Format(time.RFC3339) }

// WriteAtom writes f as Atom 1.0 (RFC 4287). The feed names its language
// in xml:lang, or, when it mixes languages, each entry does; the feed's
// author covers entries that name none, as the RFC requires.
func WriteAtom(w io.Writer, f Feed) error {
	af := atomFeed{
		Lang: f.Language, ID: f.ID, Title: atomText{Type: "text", Value: f.Title},
		Updated: atomDate(f.Updated), Generator: generator, Icon: f.IconURL,
		Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: f.HomeURL}},
	}
	if f.Description != "" {
		af.Subtitle = &atomText{Type: "text", Value: f.Description}
	}
	if f.SelfURL != "" {
		af.Links = append(af.Links, atomLink{Rel: "self", Type: AtomType, Href: f.SelfURL})
	}
	if f.HubURL != "" {
		af.Links = append(af.Links, atomLink{Rel: "hub", Href: f.HubURL})
	}
	author := f.Author
	if author == "" {
		author = f.Title
	}
	af.Author = &atomPerson{Name: author}
	for _, it := range f.Items {
		e := atomEntry{
			ID: it.ID, Title: atomText{Type: "text", Value: it.Title},
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: it.URL}},
			Published: atomDate(it.Published), Updated: atomDate(it.Updated),
		}
		if it.Language != f.Language {
			e.Lang = it.Language
		}
		if it.Author != "" {
			e.Author = &atomPerson{Name: it.Author}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.Summary}
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{Type: "html", Value: it.ContentHTML}
		}
		if e.Summary == nil && e.Content == nil {
			// An entry with an alternate link may go without content, but
			// readers show the summary: give them the headline at least.
			e.Summary = &atomText{Type: "text", Value: it.Title}
		}
		if it.Image != nil {
			l := atomLink{Rel: "enclosure", Type: it.Image.Type, Href: it.Image.URL}
			if it.Image.Length > 0 {
				l.Length = strconv.FormatInt(it.Image.Length, 10)
			}
			e.Links = append(e.Links, l)
		}
		af.Entries = append(af.Entries, e)
	}
	return writeXML(w, af, "Atom")
}
