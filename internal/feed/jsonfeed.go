package feed

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// JSONFeedVersion is the version URL JSON Feed 1.1 documents start with.
const JSONFeedVersion = "https://jsonfeed.org/version/1.1"

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Hubs        []jsonHub    `json:"hubs,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL         string `json:"url"`
	MIMEType    string `json:"mime_type"`
	SizeInBytes int64  `json:"size_in_bytes,omitempty"`
}

// WriteJSONFeed writes f as JSON Feed 1.1. Every item must carry content:
// the body as content_html in full-text feeds, else the summary (or the
// headline) as content_text.
func WriteJSONFeed(w io.Writer, f Feed) error {
	jf := jsonFeed{
		Version: JSONFeedVersion, Title: f.Title, HomePageURL: f.HomeURL, FeedURL: f.SelfURL,
		Description: f.Description, Icon: f.IconURL, Language: f.Language, Items: []jsonItem{},
	}
	if f.Author != "" {
		jf.Authors = []jsonAuthor{{Name: f.Author}}
	}
	if f.HubURL != "" {
		jf.Hubs = []jsonHub{{Type: "WebSub", URL: f.HubURL}}
	}
	for _, it := range f.Items {
		ji := jsonItem{
			ID: it.ID, URL: it.URL, Title: it.Title, ContentHTML: it.ContentHTML, Summary: it.Summary,
			DatePublished: it.Published.Format(time.RFC3339), DateModified: it.Updated.Format(time.RFC3339),
			Tags: it.Categories, Language: it.Language,
		}
		if ji.ContentHTML == "" {
			ji.ContentText = it.Summary
			if ji.ContentText == "" {
				ji.ContentText = it.Title
			}
		}
		if it.Author != "" {
			ji.Authors = []jsonAuthor{{Name: it.Author}}
		}
		if it.Image != nil {
			ji.Image = it.Image.URL
			ji.Attachments = []jsonAttachment{{URL: it.Image.URL, MIMEType: it.Image.Type, SizeInBytes: it.Image.Length}}
		}
		jf.Items = append(jf.Items, ji)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jf); err != nil {
		return fmt.Errorf("write JSON Feed: %w", err)
	}
	return nil
}
