package site

import (
	"net/http"

	"newsdesk/internal/feed"
	"newsdesk/internal/web"
)

// routes is the portal's table of contents.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(fn web.HandlerFunc) http.Handler { return web.Adapt(fn, s.handleError) }

	// Probes for load balancers and orchestrators.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	// Content-hashed CSS and images.
	mux.Handle("GET /static/", s.assets)

	// Syndication: the whole site's feeds, sitemaps and robots rules.
	for _, name := range feed.Names() {
		mux.Handle("GET /"+name, h(s.siteFeed(name)))
	}
	mux.Handle("GET /sitemap.xml", h(s.sitemapIndex))
	mux.Handle("GET /sitemaps/{file}", h(s.sitemap))
	mux.Handle("GET /robots.txt", h(s.robots))

	// The root picks a language; everything else lives under one.
	mux.Handle("GET /{$}", h(s.root))
	mux.Handle("GET /{lang}", h(s.langNoSlash))
	mux.Handle("GET /{lang}/{rest...}", h(s.dispatch))

	// Anything else may be an old URL in the redirect table, or a 404.
	mux.Handle("/", h(s.unknown))
	return mux
}
