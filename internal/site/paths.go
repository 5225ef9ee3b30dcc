package site

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Target is one public address for the static export.
type Target struct {
	Path string
	// Query selects a later page of a listing ("page=3"); "" is page 1.
	Query string
	// Paged marks a listing: its further pages are found by following its
	// rel="next" link, as a reader would (for the sitemap index: the
	// sitemaps it lists).
	Paged bool
	// Article marks an article's page, which ArticlePages renders with all
	// the others in one walk.
	Article bool
}

// SkipArticles, returned by Paths' yield for an article's target, ends the
// walk there without error: the articles come last, so a caller that
// renders them with ArticlePages skips reading them twice.
var SkipArticles = errors.New("site: skip the articles")

// Paths walks every public address a reader can reach at now, except
// search (which answers queries) and previews: the root, each language's
// home, footer pages, channel listings, tag pages and corrections, every
// visible article and the media files it shows (/media/, served by the
// media library beside the portal), feeds, sitemaps and robots.txt, and
// the static assets.
// Addresses of features a build lacks answer 404 and are skipped by the
// exporter.
func (s *Server) Paths(ctx context.Context, now time.Time, yield func(Target) error) error {
	f, err := s.loadFrame(ctx)
	if err != nil {
		return err
	}
	emit := func(path string, paged bool) error { return yield(Target{Path: path, Paged: paged}) }
	feeds := func(dir string) error {
		for _, name := range feedNames {
			if err := emit(dir+name, false); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range []string{"/", "/robots.txt"} {
		if err := emit(p, false); err != nil {
			return err
		}
	}
	// The index leads to every sitemap (followed like a listing's pages).
	if err := emit("/sitemap.xml", true); err != nil {
		return err
	}
	if err := feeds("/"); err != nil {
		return err
	}
	for _, u := range s.assets.URLs() {
		if err := emit(u, false); err != nil {
			return err
		}
	}
	for _, lang := range f.site.Languages {
		dir := "/" + lang + "/"
		if err := emit(dir, false); err != nil {
			return err
		}
		if err := feeds(dir); err != nil {
			return err
		}
		if err := emit(dir+"corrections/", true); err != nil {
			return err
		}
		if err := emit(dir+"opensearch.xml", false); err != nil {
			return err
		}
		for _, pg := range f.pages {
			if err := emit(dir+pg.Slug+"/", false); err != nil {
				return err
			}
		}
		for _, c := range f.tree.All() {
			if err := emit(dir+c.Path+"/", true); err != nil {
				return err
			}
			if err := feeds(dir + c.Path + "/"); err != nil {
				return err
			}
		}
		tags, err := s.store.VisibleTags(ctx, lang, now)
		if err != nil {
			return err
		}
		for _, t := range tags {
			if err := emit(tagURL(lang, t), true); err != nil {
				return err
			}
		}
	}
	files, err := s.store.VisibleMedia(ctx, now)
	if err != nil {
		return err
	}
	for _, m := range files {
		for _, u := range m.Files() {
			if err := emit(u, false); err != nil {
				return err
			}
		}
	}
	for after := int64(0); ; {
		batch, err := s.store.EveryVisibleArticle(ctx, now, after, 1000)
		if err != nil {
			return err
		}
		for _, a := range batch {
			if err := yield(Target{Path: a.Path(f.loc), Article: true}); errors.Is(err, SkipArticles) {
				return nil
			} else if err != nil {
				return err
			}
			after = a.ID
		}
		if len(batch) < 1000 {
			return nil
		}
	}
}

// ExportTargets lists what a static export must rewrite after one change.
// An edit that moves nothing (an update or correction of an article still
// visible where it was, with the same tags) touches the article's page, the
// one page of each listing it sits on, its language's home page, the
// corrections page and the feeds: found by the article's rank in each
// listing, so an edit costs the same among 100 or 100,000 articles. Any
// other change (an article arriving, leaving or moving) shifts every later
// page of its listings, which are then followed to their end. all is true
// when every page may have changed.
func (s *Server) ExportTargets(ctx context.Context, c store.Change, now time.Time) (targets []Target, prefixes []string, all bool, err error) {
	paths, prefixes, all, err := s.AffectedPaths(ctx, c)
	if err != nil || all {
		return nil, nil, all, err
	}
	// The sitemaps the article is listed in, rather than all of them.
	if sm, ok, err := s.sitemapTargets(ctx, c, now); err != nil {
		return nil, nil, false, err
	} else if ok {
		targets = append(targets, sm...)
		prefixes = slices.DeleteFunc(prefixes, func(p string) bool { return p == "/sitemap" })
	}
	still := (c.Kind == news.ChangeUpdate || c.Kind == news.ChangeCorrect) && c.Details["from_path"] == "" && c.Details["from_tags"] == ""
	var a news.Article
	if still {
		if a, err = s.store.ArticleByID(ctx, c.ArticleID); err != nil {
			return nil, nil, false, err
		}
		still = a.VisibleAt(now) && a.Status != news.StatusRetracted
	}
	if !still {
		for _, p := range paths {
			targets = append(targets, Target{Path: escapeTagPath(p), Paged: strings.HasSuffix(p, "/")})
		}
		return targets, prefixes, false, nil
	}
	lang := "/" + a.Language + "/"
	channels := map[string]bool{}
	segs := strings.Split(a.ChannelPath, "/")
	for i := range segs {
		channels[lang+strings.Join(segs[:i+1], "/")+"/"] = true
	}
	page := func(p string, rank int) Target {
		if n := rank/perPage + 1; n > 1 {
			return Target{Path: p, Query: fmt.Sprintf("page=%d", n)}
		}
		return Target{Path: p}
	}
	for _, p := range paths {
		switch {
		case channels[p]:
			ch := strings.TrimSuffix(strings.TrimPrefix(p, lang), "/")
			scope := store.ChannelScope(ch)
			pinned, err := s.store.Pinned(ctx, scope, a.ID)
			if err != nil {
				return nil, nil, false, err
			}
			rank := 0
			if !pinned {
				if rank, err = s.store.ListingRank(ctx, a, a.Language, ch, "", scope, now); err != nil {
					return nil, nil, false, err
				}
			}
			targets = append(targets, page(p, rank))
		case strings.HasPrefix(p, lang+"tags/"):
			tag := strings.TrimSuffix(strings.TrimPrefix(p, lang+"tags/"), "/")
			rank, err := s.store.ListingRank(ctx, a, a.Language, "", tag, "", now)
			if err != nil {
				return nil, nil, false, err
			}
			targets = append(targets, page(tagURL(a.Language, tag), rank))
		case p == lang+"corrections/":
			targets = append(targets, Target{Path: p, Paged: true})
		default:
			targets = append(targets, Target{Path: p})
		}
	}
	return targets, prefixes, false, nil
}

// escapeTagPath turns a tag page's decoded path (as AffectedPaths gives it,
// for the cache) back into its URL, where the tag is one escaped segment.
func escapeTagPath(p string) string {
	segs := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 3)
	if len(segs) == 3 && segs[1] == "tags" && strings.HasSuffix(segs[2], "/") {
		return tagURL(segs[0], strings.TrimSuffix(segs[2], "/"))
	}
	return p
}

// sitemapTargets lists the sitemap files a change to an article touches:
// the index, the Google News sitemap and the part of the article's month
// that lists it (and the later parts, which shift when an article arrives
// or leaves). ok is false when the article is gone.
func (s *Server) sitemapTargets(ctx context.Context, c store.Change, now time.Time) ([]Target, bool, error) {
	a, err := s.store.ArticleByID(ctx, c.ArticleID)
	if errors.Is(err, news.ErrNotFound) || (err == nil && a.ReleaseAt.IsZero()) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rank, total, err := s.store.SitemapRank(ctx, a, now)
	if err != nil {
		return nil, false, err
	}
	out := []Target{{Path: "/sitemap.xml"}, {Path: "/sitemaps/" + newsSitemap}}
	r := a.ReleaseAt.UTC()
	first, last := rank/s.sitemapURLs+1, max(total-1, rank)/s.sitemapURLs+1
	if c.Kind == news.ChangeUpdate || c.Kind == news.ChangeCorrect {
		last = first // an edit moves nothing
	} else {
		last++ // a departure may empty the last part, which then goes
	}
	for part := first; part <= last; part++ {
		out = append(out, Target{Path: "/sitemaps/" + sitemapName(r.Year(), int(r.Month()), part)})
	}
	return out, true, nil
}
