package site

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Invalidator is what the change log drives: the page cache.
type Invalidator interface {
	Invalidate(paths ...string)
	InvalidatePrefix(prefix string)
	Clear()
}

// feedNames are the feeds every language, and every channel, offers.
var feedNames = []string{"feed.xml", "atom.xml", "feed.json"}

// AffectedPaths lists the public paths a change may have altered: the
// article's page (and its previous address), its channel listings up the
// tree, its language's home page, the tag pages it is or was on, the
// corrections page, and the feeds of each. The prefixes are page families
// dropped whole (sitemaps). all is true when every page may show the change.
func (s *Server) AffectedPaths(ctx context.Context, c store.Change) (paths, prefixes []string, all bool, err error) {
	switch c.Kind {
	case news.ChangeSite:
		return nil, nil, true, nil
	case news.ChangePins:
		site, err := s.store.Site(ctx)
		if err != nil {
			return nil, nil, false, err
		}
		for _, scope := range strings.Split(c.Details["scopes"], "\n") {
			if lang, ok := strings.CutPrefix(scope, "home:"); ok {
				paths = append(paths, "/"+lang+"/")
			} else if ch, ok := strings.CutPrefix(scope, "channel:"); ok {
				for _, lang := range site.Languages {
					paths = append(paths, "/"+lang+"/"+ch+"/")
				}
			}
		}
		return paths, nil, false, nil
	}
	a, err := s.store.ArticleByID(ctx, c.ArticleID)
	if errors.Is(err, news.ErrNotFound) {
		return nil, nil, true, nil // gone entirely: drop everything rather than guess
	}
	if err != nil {
		return nil, nil, false, err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	if a.Tags, err = s.store.ArticleTags(ctx, a.ID); err != nil {
		return nil, nil, false, err
	}
	lang := "/" + a.Language + "/"
	add := func(dir string) {
		paths = append(paths, dir)
		for _, f := range feedNames {
			paths = append(paths, dir+f)
		}
	}
	add("/")
	add(lang)
	channels := []string{a.ChannelPath}
	if !a.ReleaseAt.IsZero() {
		paths = append(paths, a.Path(site.Location()))
	}
	if from := c.Details["from_path"]; from != "" {
		paths = append(paths, from)
		// /{lang}/{channel path}/{yyyy}/{mm}/{dd}/{slug}/
		if segs := strings.Split(strings.Trim(from, "/"), "/"); len(segs) > 5 {
			channels = append(channels, strings.Join(segs[1:len(segs)-4], "/"))
			lang = "/" + segs[0] + "/"
			add(lang)
		}
	}
	for _, ch := range channels {
		segs := strings.Split(ch, "/")
		for i := range segs {
			add("/" + a.Language + "/" + strings.Join(segs[:i+1], "/") + "/")
			if lang != "/"+a.Language+"/" {
				add(lang + strings.Join(segs[:i+1], "/") + "/")
			}
		}
	}
	tags := a.Tags
	if from := c.Details["from_tags"]; from != "" {
		tags = append(tags, strings.Split(from, "\n")...)
	}
	for _, t := range tags {
		if t != "" { // the cache keys decoded paths
			paths = append(paths, "/"+a.Language+"/tags/"+t+"/")
		}
	}
	paths = append(paths, "/"+a.Language+"/corrections/", "/robots.txt")
	return paths, []string{"/sitemap"}, false, nil
}

// PurgePaths is AffectedPaths as URL paths (a tag page's tag escaped as
// in its links), for a CDN purge webhook.
func (s *Server) PurgePaths(ctx context.Context, c store.Change) (paths, prefixes []string, all bool, err error) {
	paths, prefixes, all, err = s.AffectedPaths(ctx, c)
	for i, p := range paths {
		paths[i] = escapeTagPath(p)
	}
	return paths, prefixes, all, err
}

// FollowChanges applies the change log to the cache until ctx ends: each
// change drops exactly the pages it touched. It starts after the log's
// current end (the cache starts empty), polls every poll, and wakes at once
// when wake delivers (a database notification). A failed read clears the
// cache, since changes may have been missed.
func (s *Server) FollowChanges(ctx context.Context, inv Invalidator, poll time.Duration, wake <-chan struct{}) {
	after, err := s.store.LastChange(ctx)
	if err != nil {
		s.log.Error("page cache: reading the change log", "err", err)
	}
	s.followed.Store(after)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-wake:
		}
		after = s.applyChanges(ctx, inv, after)
		s.followed.Store(after)
		timer.Reset(poll)
	}
}

// applyChanges applies every change after seq and returns the last seq
// applied.
func (s *Server) applyChanges(ctx context.Context, inv Invalidator, after int64) int64 {
	for {
		changes, err := s.store.Changes(ctx, after, 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("page cache: reading the change log; clearing", "err", err)
				inv.Clear()
			}
			return after
		}
		for _, c := range changes {
			paths, prefixes, all, err := s.AffectedPaths(ctx, c)
			switch {
			case err != nil:
				s.log.Error("page cache: change; clearing", "seq", c.Seq, "err", err)
				inv.Clear()
			case all:
				inv.Clear()
			default:
				inv.Invalidate(paths...)
				for _, p := range prefixes {
					inv.InvalidatePrefix(p)
				}
			}
			after = c.Seq
		}
		if len(changes) < 500 {
			return after
		}
	}
}

// Followed is the last change the cache has applied; the change log's end
// minus this is the cache's lag.
func (s *Server) Followed() int64 { return s.followed.Load() }

// KeepCacheCurrent runs FollowChanges for the page cache (nothing without
// one) until ctx ends or the returned stop is called: the change log is
// polled every poll and read at once when the store hears of a change
// (PostgreSQL: from any node); after lost notifications the cache is
// cleared, as changes may have gone unheard.
func (s *Server) KeepCacheCurrent(ctx context.Context, poll time.Duration) (stop func()) {
	if s.cache == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	wake := make(chan struct{}, 1)
	log := s.log.With("job", "page-cache")
	var wg sync.WaitGroup
	wg.Go(func() {
		s.store.WatchChanges(ctx, func(reconnected bool) {
			if reconnected {
				log.Warn("change notifications resumed: clearing the page cache")
				s.cache.Clear()
			}
			select {
			case wake <- struct{}{}:
			default:
			}
		}, func(err error) { log.Warn("change notifications lost; reconnecting", "err", err) })
	})
	wg.Go(func() { s.FollowChanges(ctx, s.cache, poll, wake) })
	return func() { cancel(); wg.Wait() }
}
