package site

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// feedItems is how many of the newest articles a feed carries.
const feedItems = 50

// summaryRunes bounds the summary made from a body when an article has none.
const summaryRunes = 280

// baseURL is the scheme and host absolute URLs in feeds, sitemaps and
// structured data start with: Options.BaseURL (NEWSDESK_BASE_URL) when
// set, else the host the request came to, over https when it came over TLS.
func (s *Server) baseURL(r *http.Request) string {
	if s.base != "" {
		return s.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// siteFeed serves /feed.xml, /atom.xml and /feed.json: every language.
func (s *Server) siteFeed(name string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.loadFrame(r.Context())
		if err != nil {
			return err
		}
		return s.feed(w, r, f, "", "", name)
	}
}

// feed serves one feed: of the whole site (lang ""), of a language
// (channel "") or of a channel and its sub-channels.
func (s *Server) feed(w http.ResponseWriter, r *http.Request, f frame, lang, channel, name string) error {
	list, leads, err := s.feedArticles(r.Context(), lang, channel)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	def := f.site.DefaultLanguage
	loc := f.loc
	lg := lang
	if lg == "" {
		lg = def
	}
	siteName := f.site.Name.In(lg, def)
	if siteName == "" {
		siteName = "Newsdesk"
	}
	dir := "/"
	if lang != "" {
		dir = "/" + lang + "/"
	}
	out := feed.Feed{Title: siteName, Description: siteName, Language: lang, Author: siteName,
		HubURL: f.site.WebSubHub, IconURL: s.logoURL(f.site, base)}
	if channel != "" {
		c, _ := f.tree.ByPath(channel)
		var names []string
		for _, a := range f.tree.Ancestry(channel) {
			names = append(names, a.Name.In(lang, def))
		}
		out.Title = siteName + " - " + joinNames(names)
		out.Description = c.Name.In(lang, def)
		dir = channelURL(lang, channel)
	}
	out.HomeURL, out.SelfURL = base+dir, base+dir+name
	out.ID = out.SelfURL
	modified := newest(list)
	out.Updated = modified.In(loc)
	if modified.IsZero() {
		out.Updated = time.Unix(0, 0).In(loc) // an empty feed has never changed
	}
	auth := feed.Authority(base)
	for _, a := range list {
		out.Items = append(out.Items, feedItem(a, base, auth, loc, f.site.FullTextFeeds(), leads[a.ID]))
	}
	var b bytes.Buffer
	switch name {
	case feed.RSSName:
		err = feed.WriteRSS(&b, out)
	case feed.AtomName:
		err = feed.WriteAtom(&b, out)
	default:
		err = feed.WriteJSONFeed(&b, out)
	}
	if err != nil {
		return err
	}
	web.Send(w, r, feed.TypeOf(name)+"; charset=utf-8", b.Bytes(), modified)
	return nil
}

// feedItem is an article as a feed item. Its id is a tag: URI from the
// article's id and creation day, which survives slug, date and channel
// edits.
func feedItem(a news.Article, base, authority string, loc *time.Location, full bool, lead *news.Media) feed.Item {
	it := feed.Item{
		ID:  feed.ArticleTag(authority, a),
		URL: base + escapePath(a.Path(loc)), Title: a.Headline, Language: a.Language, Summary: a.Summary,
		Author: a.Byline, Categories: a.Tags,
		Published: a.ReleaseAt.In(loc), Updated: modifiedAt(a).In(loc),
	}
	if it.Author == "" {
		it.Author = a.Source
	}
	if full {
		it.ContentHTML = a.BodyHTML
	}
	if it.Summary == "" && a.BodyHTML != "" {
		it.Summary = markup.Excerpt(a.BodyHTML, summaryRunes)
	}
	if lead != nil {
		it.Image = &feed.Image{URL: base + lead.URL(), Type: lead.MIME, Length: lead.Bytes}
	}
	return it
}

// modifiedAt is when an article last changed for readers, never before its
// release.
func modifiedAt(a news.Article) time.Time {
	if u := lastUpdate(a); u.After(a.ReleaseAt) {
		return u
	}
	return a.ReleaseAt
}

func joinNames(names []string) string {
	var b bytes.Buffer
	for i, n := range names {
		if i > 0 {
			b.WriteString(" > ")
		}
		b.WriteString(n)
	}
	return b.String()
}

// feedLinks are the <link rel="alternate"> of the feeds covering a page:
// its channel's (when it has one) and its language's.
func feedLinks(f frame, lang, channel string) []feedLink {
	def := f.site.DefaultLanguage
	name := f.site.Name.In(lang, def)
	dir, title := "/"+lang+"/", name
	if channel != "" {
		if c, ok := f.tree.ByPath(channel); ok {
			dir, title = channelURL(lang, channel), name+" - "+c.Name.In(lang, def)
		}
	}
	var out []feedLink
	for _, d := range []struct{ dir, title string }{{dir, title}, {"/" + lang + "/", name}} {
		if len(out) > 0 && d.dir == out[0].URL[:len(out[0].URL)-len(feed.RSSName)] {
			break // a language page's own feeds are its language's
		}
		for _, n := range feed.Names() {
			out = append(out, feedLink{Title: d.title + " (" + feedFormat[n] + ")", Type: feed.TypeOf(n), URL: d.dir + n})
		}
	}
	return out
}

// feedFormat names each feed format for people choosing one.
var feedFormat = map[string]string{feed.RSSName: "RSS", feed.AtomName: "Atom", feed.JSONFeedName: "JSON Feed"}

// feedLink is one advertised feed.
type feedLink struct {
	Title, Type, URL string
}

// channelFeed serves /{lang}/{path}/feed.xml and its Atom and JSON twins.
func (s *Server) channelFeed(w http.ResponseWriter, r *http.Request, f frame, lang, path, name string) error {
	if _, ok := f.tree.ByPath(path); !ok {
		return news.ErrNotFound
	}
	return s.feed(w, r, f, lang, path, name)
}

// logoURL is the absolute URL of the publisher's logo: the site setting,
// or the built-in one.
func (s *Server) logoURL(site news.Site, base string) string {
	switch {
	case site.LogoURL == "":
		u, err := s.assets.URL("logo.png")
		if err != nil {
			return ""
		}
		return base + u
	case site.LogoURL[0] == '/':
		return base + site.LogoURL
	}
	return site.LogoURL
}

// feedArticles loads the articles of a feed and their lead images. With
// Options.Snapshot, the formats of one feed share one load: a static
// export asks for each, and each load sorts the feed's whole channel.
func (s *Server) feedArticles(ctx context.Context, lang, channel string) ([]news.Article, map[int64]*news.Media, error) {
	load := func() ([]news.Article, map[int64]*news.Media, error) {
		list, err := s.store.FeedArticles(ctx, store.FeedQuery{Language: lang, Channel: channel,
			Limit: feedItems, Now: s.now(), Bodies: true}) // summary feeds excerpt the body when there is no summary
		if err != nil {
			return nil, nil, err
		}
		leads, err := s.leadImages(ctx, list)
		return list, leads, err
	}
	if !s.snapshot {
		return load()
	}
	key := lang + "\x00" + channel
	s.snapshotMu.Lock()
	fl := s.snapshotFeeds[key]
	if fl == nil {
		fl = &feedLoad{left: len(feedNames)}
		s.snapshotFeeds[key] = fl
	}
	if fl.left--; fl.left == 0 {
		delete(s.snapshotFeeds, key) // the last format asked: nothing to keep
	}
	s.snapshotMu.Unlock()
	fl.once.Do(func() { fl.list, fl.leads, fl.err = load() })
	return fl.list, fl.leads, fl.err
}

// feedLoad is one feed's articles, shared by its formats (Options.Snapshot).
type feedLoad struct {
	once  sync.Once
	list  []news.Article
	leads map[int64]*news.Media
	err   error
	left  int // formats yet to ask for it
}

// leadImages loads the lead images of a list of articles in one query, by
// article id; articles without one (or whose lead is not an image) are
// absent.
func (s *Server) leadImages(ctx context.Context, list []news.Article) (map[int64]*news.Media, error) {
	var ids []int64
	for _, a := range list {
		if a.LeadMediaID != 0 {
			ids = append(ids, a.LeadMediaID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	media, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*news.Media{}
	for i := range media {
		if media[i].Kind == news.MediaImage {
			byID[media[i].ID] = &media[i]
		}
	}
	out := map[int64]*news.Media{}
	for _, a := range list {
		if m := byID[a.LeadMediaID]; m != nil {
			out[a.ID] = m
		}
	}
	return out, nil
}
