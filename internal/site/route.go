package site

import (
	"net/http"
	"strings"
)

// RouteOf names the kind of public page a request is for, from a short
// fixed list, so metrics by route stay a handful of series whatever readers
// type: home, article, listing (channels and footer pages), tag,
// corrections, search, feed, sitemap, preview, static, media, probe, root,
// other.
func RouteOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/":
		return "root"
	case p == "/healthz" || p == "/readyz":
		return "probe"
	case strings.HasPrefix(p, "/static/"):
		return "static"
	case strings.HasPrefix(p, "/media/"):
		return "media"
	case strings.HasPrefix(p, "/sitemap") || p == "/robots.txt":
		return "sitemap"
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	last := segs[len(segs)-1]
	switch {
	case last == "feed.xml" || last == "atom.xml" || last == "feed.json":
		return "feed"
	case last == "opensearch.xml":
		return "search"
	case len(segs) == 1:
		return "home"
	}
	switch segs[1] {
	case "search", "corrections", "preview":
		return segs[1]
	case "tags":
		return "tag"
	}
	if _, _, ok := articleAddress(segs[1:]); ok {
		return "article"
	}
	return "listing"
}
