package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"newsdesk/internal/news"
)

// NinjsMediaType is the media type of ninjs documents, which API clients
// name in Accept.
const NinjsMediaType = "application/ninjs+json"

// NinjsOut says how an article becomes an outgoing ninjs document.
type NinjsOut struct {
	// URI identifies the story when the article has none of its own
	// (copy written here): a tag: URI. Imported copy keeps its source's.
	URI string
	// URL is the article's public page, "" when readers cannot see it.
	URL string
	// Location is the site's zone, which times are written in.
	Location *time.Location
	// Modified is when readers last saw the article change; it is the
	// versioncreated of copy without a version time of its own.
	Modified time.Time
	// Lead is the lead picture, nil when the article has none.
	Lead *NinjsPicture
}

// NinjsPicture is a picture associated with a story (its lead image),
// written as a ninjs association with one rendition per size.
type NinjsPicture struct {
	URI     string // the picture's own identifier
	Alt     string
	Caption string
	Credit  string
	// Renditions are the files, the original first.
	Renditions []NinjsRendition
}

// NinjsRendition is one file of a picture.
type NinjsRendition struct {
	Name          string // "original", "w640", ...
	Href          string // absolute URL
	ContentType   string
	Width, Height int
	Bytes         int64
}

// ninjsDoc is the subset of ninjs 2.1 Newsdesk writes.
type ninjsDoc struct {
	URI                string        `json:"uri"`
	Type               string        `json:"type"`
	RepresentationType string        `json:"representationtype"`
	Version            string        `json:"version"`
	FirstCreated       string        `json:"firstcreated,omitempty"`
	VersionCreated     string        `json:"versioncreated,omitempty"`
	Embargoed          string        `json:"embargoed,omitempty"`
	PubStatus          string        `json:"pubstatus"`
	Language           string        `json:"language"`
	Headlines          []ninjsText   `json:"headlines"`
	Descriptions       []ninjsText   `json:"descriptions,omitempty"`
	Bodies             []ninjsText   `json:"bodies,omitempty"`
	By                 string        `json:"by,omitempty"`
	InfoSources        []ninjsSource `json:"infosources,omitempty"`
	Subjects           []ninjsName   `json:"subjects,omitempty"`
	AltIDs             []ninjsAltID  `json:"altids,omitempty"`
	EdNote             string        `json:"ednote,omitempty"`
	Associations       []ninjsAssoc  `json:"associations,omitempty"`
}

type ninjsAssoc struct {
	Name         string           `json:"name"`
	URI          string           `json:"uri"`
	Type         string           `json:"type"`
	Headlines    []ninjsText      `json:"headlines,omitempty"`
	Descriptions []ninjsText      `json:"descriptions,omitempty"`
	By           string           `json:"by,omitempty"`
	Renditions   []ninjsRendition `json:"renditions"`
}

type ninjsRendition struct {
	Name        string `json:"name"`
	Href        string `json:"href"`
	ContentType string `json:"contenttype,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	SizeInBytes int64  `json:"sizeinbytes,omitempty"`
}

type ninjsText struct {
	Role        string `json:"role,omitempty"`
	ContentType string `json:"contenttype,omitempty"`
	Value       string `json:"value"`
}

type ninjsSource struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

type ninjsName struct {
	Name string `json:"name"`
}

type ninjsAltID struct {
	Role  string `json:"role"`
	Value string `json:"value"`
}

// MarshalNinjs writes an article as a ninjs 2.1 document: the reverse of
// ParseNinjs, so an imported story exported again keeps its uri, headline,
// body, times, language and infosources. The release time is firstcreated
// (ninjs 2 has no firstpublished, and ParseNinjs reads it back as the
// release); the status maps to pubstatus (published and scheduled are
// usable, retracted canceled, anything else withheld); corrections and a
// retraction note travel in ednote.
func MarshalNinjs(a news.Article, o NinjsOut) ([]byte, error) {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	d := ninjsDoc{
		URI: a.URI, Type: "text", RepresentationType: "full", Version: strconv.FormatInt(max(a.Version, 1), 10),
		FirstCreated: at(a.ReleaseAt), VersionCreated: at(a.VersionCreated), Embargoed: at(a.EmbargoUntil),
		PubStatus: "withheld", Language: a.Language, By: a.Byline,
		Headlines: []ninjsText{{Role: "main", ContentType: "text/plain", Value: a.Headline}},
		AltIDs:    []ninjsAltID{{Role: "newsdesk-id", Value: strconv.FormatInt(a.ID, 10)}},
	}
	if d.URI == "" {
		d.URI = o.URI
	}
	if d.VersionCreated == "" {
		d.VersionCreated = at(o.Modified)
	}
	switch a.Status {
	case news.StatusPublished, news.StatusScheduled:
		d.PubStatus = "usable"
	case news.StatusRetracted, news.StatusCanceled:
		d.PubStatus = "canceled"
	}
	if a.Subheading != "" {
		d.Headlines = append(d.Headlines, ninjsText{Role: "sub", ContentType: "text/plain", Value: a.Subheading})
	}
	if a.Summary != "" {
		d.Descriptions = []ninjsText{{Role: "summary", ContentType: "text/plain", Value: a.Summary}}
	}
	if a.BodyHTML != "" {
		d.Bodies = []ninjsText{{Role: "main", ContentType: "text/html", Value: a.BodyHTML}}
	}
	if a.Source != "" {
		d.InfoSources = append(d.InfoSources, ninjsSource{Name: a.Source, Role: "source"})
	}
	if a.Editor != "" {
		d.InfoSources = append(d.InfoSources, ninjsSource{Name: a.Editor, Role: "editor"})
	}
	for _, t := range a.Tags {
		d.Subjects = append(d.Subjects, ninjsName{Name: t})
	}
	if o.URL != "" {
		d.AltIDs = append(d.AltIDs, ninjsAltID{Role: "url", Value: o.URL})
	}
	var note bytes.Buffer
	for _, c := range a.Corrections {
		fmt.Fprintf(&note, "Correction %s: %s\n", at(c.At), c.Note)
	}
	if a.Status == news.StatusRetracted {
		fmt.Fprintf(&note, "Retracted %s: %s\n", at(a.RetractedAt), a.RetractionNote)
	}
	d.EdNote = string(bytes.TrimSpace(note.Bytes()))
	if l := o.Lead; l != nil {
		as := ninjsAssoc{Name: "lead", URI: l.URI, Type: "picture", By: l.Credit}
		if l.Caption != "" {
			as.Headlines = []ninjsText{{Role: "caption", ContentType: "text/plain", Value: l.Caption}}
		}
		if l.Alt != "" {
			as.Descriptions = []ninjsText{{Role: "alt", ContentType: "text/plain", Value: l.Alt}}
		}
		for _, r := range l.Renditions {
			as.Renditions = append(as.Renditions, ninjsRendition{Name: r.Name, Href: r.Href, ContentType: r.ContentType,
				Width: r.Width, Height: r.Height, SizeInBytes: r.Bytes})
		}
		d.Associations = []ninjsAssoc{as}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("ninjs of article %d: %w", a.ID, err)
	}
	return b.Bytes(), nil
}
