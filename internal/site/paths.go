package site

import (
	"context"
	"time"
)

// Target is one public address for the static export.
type Target struct {
	Path string
	// Paged marks a listing: its further pages are found by following its
	// rel="next" link, as a reader would.
	Paged bool
}

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
	for _, p := range []string{"/", "/robots.txt", "/sitemap.xml"} {
		if err := emit(p, false); err != nil {
			return err
		}
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
		if err := emit(m.URL(), false); err != nil {
			return err
		}
		for _, v := range m.Variants {
			if err := emit(m.VariantURL(v.Width), false); err != nil {
				return err
			}
		}
	}
	loc := f.site.Location()
	for after := int64(0); ; {
		batch, err := s.store.EveryVisibleArticle(ctx, now, after, 1000)
		if err != nil {
			return err
		}
		for _, a := range batch {
			if err := emit(a.Path(loc), false); err != nil {
				return err
			}
			after = a.ID
		}
		if len(batch) < 1000 {
			return nil
		}
	}
}
