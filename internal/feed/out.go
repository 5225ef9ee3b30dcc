package feed

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// Feed is a feed to write, in terms every output format shares: the writers
// (WriteRSS, WriteAtom, WriteJSONFeed) turn it into their own vocabulary.
// URLs are absolute; times carry the offset they are to be shown in.
type Feed struct {
	// ID is the feed's permanent identifier (Atom's id): a tag: URI.
	ID          string
	Title       string
	Description string
	// Language is the BCP 47 language of the feed; "" when it mixes
	// languages (each item then names its own).
	Language string
	// HomeURL is the HTML page the feed covers.
	HomeURL string
	// SelfURL is where this feed is served; the writers advertise it as
	// rel="self", which WebSub subscribers and validators need.
	SelfURL string
	// HubURL is the WebSub hub that announces updates; "" for none.
	HubURL string
	// IconURL is an image standing for the site, "" for none.
	IconURL string
	// Author names the publisher, for items that name no author.
	Author  string
	Updated time.Time
	Items   []Item
}

// Item is one article in a feed.
type Item struct {
	// ID is a permanent identifier that survives slug and channel edits
	// (so readers never see an edited story twice): a tag: URI.
	ID       string
	URL      string
	Title    string
	Language string
	// Summary is plain text.
	Summary string
	// ContentHTML is the full body, "" when the feed carries summaries.
	ContentHTML string
	Author      string
	Categories  []string
	Published   time.Time
	Updated     time.Time
	// Image is the lead image, nil when the article has none.
	Image *Image
}

// Image is a picture attached to an item (RSS enclosure, Atom enclosure
// link, JSON Feed image).
type Image struct {
	URL  string
	Type string // MIME type, e.g. image/jpeg
	// Length is the size in bytes, 0 when unknown.
	Length int64
}

// The file names under which every feed scope is served: the whole site,
// /{lang}/ and /{lang}/{channel}/ each carry all three.
const (
	RSSName      = "feed.xml"
	AtomName     = "atom.xml"
	JSONFeedName = "feed.json"
)

// Names lists the three feed file names.
func Names() []string { return []string{RSSName, AtomName, JSONFeedName} }

// Media types the feeds are served with.
const (
	RSSType      = "application/rss+xml"
	AtomType     = "application/atom+xml"
	JSONFeedType = "application/feed+json"
)

// TypeOf is the media type of a feed file name, "" for other names.
func TypeOf(name string) string {
	switch name {
	case RSSName:
		return RSSType
	case AtomName:
		return AtomType
	case JSONFeedName:
		return JSONFeedType
	}
	return ""
}

// Paths lists the paths (from the site root) of every feed an article of
// lang filed under channelPath appears in: the whole site's, its
// language's, and those of its channel and each channel above it. WebSub
// pings name them when the article changes.
func Paths(lang, channelPath string) []string {
	dirs := []string{"/", "/" + lang + "/"}
	if channelPath != "" {
		segs := strings.Split(channelPath, "/")
		for i := range segs {
			dirs = append(dirs, "/"+lang+"/"+strings.Join(segs[:i+1], "/")+"/")
		}
	}
	var out []string
	for _, d := range dirs {
		for _, n := range Names() {
			out = append(out, d+n)
		}
	}
	return out
}

// TagURI makes a tag: URI (RFC 4151) for something of this site: authority
// is the site's host name, date the day the thing came to be (so the URI
// stays the same when the thing is renamed), specific what it is.
func TagURI(authority string, date time.Time, specific string) string {
	return fmt.Sprintf("tag:%s,%s:%s", authority, date.UTC().Format("2006-01-02"), specific)
}

// ArticleTag is an article's permanent identifier in feeds and ninjs: a
// tag: URI from its id and the day it was created, which survives slug,
// date and channel edits.
func ArticleTag(authority string, a news.Article) string {
	return TagURI(authority, a.CreatedAt, "article:"+strconv.FormatInt(a.ID, 10))
}

// Authority is the host name of a base URL, for tag URIs.
func Authority(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}
