package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

// WireFormat names a format wire copy arrives in.
type WireFormat string

// The wire formats ParseFeed reads. WireAuto detects the format from the
// document itself.
const (
	WireAuto     WireFormat = ""
	WireRSS      WireFormat = "rss"
	WireAtom     WireFormat = "atom"
	WireJSONFeed WireFormat = "jsonfeed"
	WireNinjs    WireFormat = "ninjs"
)

// WireFormats lists the formats a wire source may declare, in the order
// forms offer them.
var WireFormats = []WireFormat{WireRSS, WireAtom, WireJSONFeed, WireNinjs}

// Valid reports whether f is one of WireFormats or WireAuto.
func (f WireFormat) Valid() bool { return f == WireAuto || slices.Contains(WireFormats, f) }

// IncomingFeed is one fetched feed document reduced to what an import needs,
// whatever format it came in.
type IncomingFeed struct {
	// Format is the format the document was read as.
	Format WireFormat
	Title  string
	Link   string
	// Language is the feed's language as a primary subtag Newsdesk knows
	// ("en-US" gives "en"), or "" when the feed does not say or says
	// something unknown.
	Language string
	Items    []IncomingItem
}

// IncomingItem is one story of a feed in the shape the importer takes from
// every format. BodyHTML is NOT sanitized; the importer does that.
type IncomingItem struct {
	// GUID identifies the story across polls: the RSS guid, Atom id, JSON
	// Feed id or ninjs uri; failing those the link; failing that a hash of
	// the title and body, so an item without identity still deduplicates.
	GUID string
	// Title is plain text.
	Title string
	// Summary is plain text, "" when the feed has none apart from the body.
	Summary string
	// BodyHTML is the item's full content, else its description, as sent.
	BodyHTML string
	Link     string
	// Published and Updated are zero when the feed does not give them.
	Published, Updated time.Time
	Authors            []string
	Categories         []string
	// ImageURL is the item's image: its own image element, an image
	// enclosure or a Media RSS thumbnail/content.
	ImageURL string
	// Language is the item's own language when the format has one (ninjs,
	// JSON Feed), else the feed's.
	Language string
	// Ninjs carries the full ninjs document for ninjs wires, so its
	// credit, editor, embargo and status survive; nil for other formats.
	Ninjs *NinjsItem
	// Err says why this item cannot be imported; the rest of the feed still
	// can.
	Err error
}

// DetectWireFormat guesses the format of data from its first bytes and, for
// JSON, from the JSON Feed version marker.
func DetectWireFormat(data []byte) WireFormat {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(data) == 0 {
		return WireAuto
	}
	if data[0] == '[' {
		return WireNinjs
	}
	if data[0] == '{' {
		// A JSON Feed names its version URL or carries an items array; a
		// ninjs document has neither (and has a uri).
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(data, &probe)
		var version string
		_ = json.Unmarshal(probe["version"], &version)
		_, hasURI := probe["uri"]
		items := bytes.TrimSpace(probe["items"])
		if strings.Contains(version, "jsonfeed.org") || !hasURI && len(items) > 0 && items[0] == '[' {
			return WireJSONFeed
		}
		return WireNinjs
	}
	switch gofeed.DetectFeedType(bytes.NewReader(data)) {
	case gofeed.FeedTypeRSS:
		return WireRSS
	case gofeed.FeedTypeAtom:
		return WireAtom
	case gofeed.FeedTypeJSON:
		return WireJSONFeed
	}
	return WireAuto
}

// ParseFeed reads an RSS (0.9x, 1.0, 2.0), Atom (0.3, 1.0), JSON Feed (1.0,
// 1.1) or ninjs document (one document, or a JSON array of them). With a
// declared format other than WireAuto, a document in another format is
// refused, so a misconfigured source is noticed instead of half-read. A
// document that cannot be read at all is an error; items that cannot be
// imported carry their own Err.
func ParseFeed(data []byte, format WireFormat) (IncomingFeed, error) {
	if !format.Valid() {
		return IncomingFeed{}, fmt.Errorf("unknown feed format %q (known: rss, atom, jsonfeed, ninjs)", format)
	}
	got := DetectWireFormat(data)
	if got == WireAuto {
		return IncomingFeed{}, errors.New("not a feed: the document is neither RSS, Atom, JSON Feed nor ninjs")
	}
	if format != WireAuto && got != format {
		return IncomingFeed{}, fmt.Errorf("the source is declared as %s but the document is %s", format, got)
	}
	if got == WireNinjs {
		return parseNinjsFeed(data)
	}
	fp := gofeed.NewParser()
	parsed, err := fp.Parse(bytes.NewReader(data))
	if err != nil {
		return IncomingFeed{}, fmt.Errorf("reading %s feed: %w", got, err)
	}
	out := IncomingFeed{Format: got, Title: markup.PlainText(parsed.Title), Link: strings.TrimSpace(parsed.Link), Language: knownLanguage(parsed.Language)}
	if out.Language == "" && parsed.DublinCoreExt != nil && len(parsed.DublinCoreExt.Language) > 0 {
		out.Language = knownLanguage(parsed.DublinCoreExt.Language[0])
	}
	for _, it := range parsed.Items {
		if it == nil {
			continue
		}
		out.Items = append(out.Items, incomingFromGofeed(it, out.Language))
	}
	return out, nil
}

// incomingFromGofeed maps one gofeed item onto the common shape.
func incomingFromGofeed(it *gofeed.Item, feedLang string) IncomingItem {
	in := IncomingItem{
		Title:    markup.PlainText(it.Title),
		Link:     strings.TrimSpace(it.Link),
		Language: feedLang,
	}
	content, description := strings.TrimSpace(it.Content), strings.TrimSpace(it.Description)
	switch {
	case content != "":
		in.BodyHTML = asHTML(content)
		if d := markup.PlainText(description); d != "" && d != markup.PlainText(content) {
			in.Summary = d
		}
	case description != "":
		in.BodyHTML = asHTML(description)
	}
	if it.PublishedParsed != nil {
		in.Published = *it.PublishedParsed
	}
	if it.UpdatedParsed != nil {
		in.Updated = *it.UpdatedParsed
	}
	for _, p := range it.Authors {
		if p == nil {
			continue
		}
		name := collapse(p.Name)
		if name == "" {
			name = collapse(p.Email)
		}
		if name != "" && !slices.Contains(in.Authors, name) {
			in.Authors = append(in.Authors, name)
		}
	}
	for _, c := range it.Categories {
		if c = collapse(c); c != "" && !slices.Contains(in.Categories, c) {
			in.Categories = append(in.Categories, c)
		}
	}
	in.ImageURL = itemImage(it)
	in.GUID = strings.TrimSpace(it.GUID)
	if in.GUID == "" {
		in.GUID = in.Link
	}
	if in.GUID == "" && (in.Title != "" || in.BodyHTML != "") {
		sum := sha256.Sum256([]byte(in.Title + "\x00" + in.BodyHTML))
		in.GUID = "sha256:" + hex.EncodeToString(sum[:])
	}
	switch {
	case in.Title == "" && in.BodyHTML == "":
		in.Err = errors.New("the item has neither a title nor a body")
	case in.Title == "":
		// A titleless post (microblogs do this) takes its opening words.
		in.Title = markup.Excerpt(in.BodyHTML, 80)
		if in.Title == "" {
			in.Err = errors.New("the item has no title and its body no text")
		}
	}
	return in
}

// itemImage finds an item's picture where feeds put one.
func itemImage(it *gofeed.Item) string {
	if it.Image != nil && strings.TrimSpace(it.Image.URL) != "" {
		return strings.TrimSpace(it.Image.URL)
	}
	for _, e := range it.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") && strings.TrimSpace(e.URL) != "" {
			return strings.TrimSpace(e.URL)
		}
	}
	if media, ok := it.Extensions["media"]; ok {
		for _, name := range []string{"thumbnail", "content"} {
			for _, e := range media[name] {
				u := strings.TrimSpace(e.Attrs["url"])
				medium, typ := e.Attrs["medium"], e.Attrs["type"]
				if u != "" && (name == "thumbnail" || medium == "image" || strings.HasPrefix(typ, "image/")) {
					return u
				}
			}
		}
	}
	return ""
}

// asHTML keeps markup as it is and turns plain text into paragraphs.
func asHTML(s string) string {
	if isHTML("", s) || strings.Contains(s, "&") && strings.Contains(html.UnescapeString(s), "<") {
		return s
	}
	return textToHTML(s)
}

// knownLanguage reduces a language tag to a primary subtag Newsdesk knows.
func knownLanguage(tag string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	primary = strings.ToLower(primary)
	if news.IsKnownLanguage(primary) {
		return primary
	}
	return ""
}

// parseNinjsFeed reads one ninjs document or an array of them; a document
// that fails validation becomes an item with Err, named by its index.
func parseNinjsFeed(data []byte) (IncomingFeed, error) {
	out := IncomingFeed{Format: WireNinjs}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	docs := []json.RawMessage{trimmed}
	if len(trimmed) > 0 && trimmed[0] == '[' {
		docs = nil
		if err := json.Unmarshal(trimmed, &docs); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				line, col := position(trimmed, syn.Offset)
				return out, fmt.Errorf("invalid JSON at line %d, column %d: %w", line, col, err)
			}
			return out, fmt.Errorf("a ninjs feed must be a document or an array of documents: %w", err)
		}
	}
	for i, doc := range docs {
		it, err := ParseNinjs(doc)
		if err != nil {
			if len(docs) == 1 {
				return out, err
			}
			out.Items = append(out.Items, IncomingItem{GUID: fmt.Sprintf("[%d]", i), Err: fmt.Errorf("[%d]: %w", i, err)})
			continue
		}
		n := it
		out.Items = append(out.Items, IncomingItem{
			GUID: it.URI, Title: it.Headline, Summary: it.Summary, BodyHTML: it.BodyHTML,
			Published: it.ReleaseAt(), Updated: it.VersionCreated, Categories: slices.Clone(it.Tags),
			Language: it.Language, Ninjs: &n,
		})
		if it.Byline != "" {
			out.Items[len(out.Items)-1].Authors = []string{it.Byline}
		}
	}
	return out, nil
}
