package site

import (
	"context"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"newsdesk/internal/news"
)

// listingIndex is every article the listings of one language show at one
// time (store.EachListedBrief), as its row, in listing order: with
// Options.Snapshot, ListingPages cuts each channel's and tag's listing
// from it rather than reading its articles again, each article being in
// four or five of them. The rows are what the memory goes on, about a
// third of a kilobyte an article: one block, without pointers for the
// collector to follow.
//
// Each listing store.VisibleArticles or VisibleTaggedArticles gives is the
// subsequence of this order whose articles pass its filter (the order,
// newest release first then highest id, is total, and the filters are on
// fields every row keeps: channel path, id, tags), so a listing cut here
// is the one the handler reads, row for row.
type listingIndex struct {
	// now is when the articles were read: the time every listing cut
	// from here, and its pinned stories, are as of.
	now time.Time
	// rows holds every row end to end; row i is rows[ends[i-1]:ends[i]]
	// (from 0 for the first).
	rows []byte
	ends []int
	// ids and chans are each row's article and its channel, an index
	// into paths.
	ids   []int64
	chans []int32
	paths []string
	// tags are the rows carrying each tag, in listing order.
	tags map[string][]int32
}

// indexLoad is a language's listingIndex, read once when its first
// listing is asked for, and let go when the last one has been (left
// counts them down: every channel's listing and every tag's).
type indexLoad struct {
	once sync.Once
	x    *listingIndex
	err  error
	left int
}

// listingIndexOf returns the index of lang, reading it if need be; done
// says that one of its listings is done with it.
func (s *Server) listingIndexOf(ctx context.Context, f frame, lang string) (x *listingIndex, done func(), err error) {
	s.snapshotMu.Lock()
	l := s.snapshotIndex[lang]
	if l == nil {
		l = &indexLoad{}
		s.snapshotIndex[lang] = l
	}
	s.snapshotMu.Unlock()
	l.once.Do(func() {
		l.x, l.err = s.readListingIndex(ctx, f, lang)
		if l.err == nil {
			s.snapshotMu.Lock()
			l.left = len(f.tree.All()) + len(l.x.tags)
			s.snapshotMu.Unlock()
		}
	})
	if l.err != nil {
		s.snapshotMu.Lock()
		if s.snapshotIndex[lang] == l {
			delete(s.snapshotIndex, lang) // a later listing tries again
		}
		s.snapshotMu.Unlock()
		return nil, nil, l.err
	}
	done = func() {
		s.snapshotMu.Lock()
		defer s.snapshotMu.Unlock()
		// A listing asked again after its index went reads it anew.
		if l.left--; l.left <= 0 && s.snapshotIndex[lang] == l {
			delete(s.snapshotIndex, lang)
		}
	}
	return l.x, done, nil
}

// readListingIndex reads the index of lang as of now.
func (s *Server) readListingIndex(ctx context.Context, f frame, lang string) (*listingIndex, error) {
	x := &listingIndex{now: s.now(), tags: map[string][]int32{}}
	chanOf := map[string]int32{}
	err := s.store.EachListedBrief(ctx, lang, x.now, func(a news.Article) error {
		c, ok := chanOf[a.ChannelPath]
		if !ok {
			c = int32(len(x.paths))
			chanOf[a.ChannelPath] = c
			x.paths = append(x.paths, a.ChannelPath)
		}
		x.rows = appendArticleRow(x.rows, a, false, f.loc)
		x.ends = append(x.ends, len(x.rows))
		x.ids = append(x.ids, a.ID)
		x.chans = append(x.chans, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	x.rows = slices.Clip(x.rows)
	at := make(map[int64]int32, len(x.ids))
	for i, id := range x.ids {
		at[id] = int32(i)
	}
	err = s.store.EachListedTag(ctx, lang, x.now, func(id int64, tag string) error {
		if i, ok := at[id]; ok { // read at once, but not in one transaction
			x.tags[tag] = append(x.tags[tag], i)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, list := range x.tags {
		slices.Sort(list)
	}
	return x, nil
}

// inChannel is the rows of the listing of the channel at path: articles
// filed in it or below it, but for those pinned there (pinned).
func (x *listingIndex) inChannel(path string, pinned []news.Article) []int32 {
	in := make([]bool, len(x.paths))
	for i, p := range x.paths {
		in[i] = p == path || strings.HasPrefix(p, path+"/")
	}
	skip := map[int64]bool{}
	for _, a := range pinned {
		skip[a.ID] = true
	}
	var out []int32
	for i, c := range x.chans {
		if in[c] && !skip[x.ids[i]] {
			out = append(out, int32(i))
		}
	}
	return out
}

// pageRows are the rows of a page: head's (pinned stories, rendered here)
// and then those of list.
func (x *listingIndex) pageRows(loc *time.Location, head []news.Article, list []int32) template.HTML {
	if len(head)+len(list) == 0 {
		return ""
	}
	pinned := listingRows(loc, head, nil)
	n := len(pinned)
	for _, i := range list {
		n += x.ends[i] - x.start(i)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(string(pinned))
	for _, i := range list {
		b.Write(x.rows[x.start(i):x.ends[i]])
	}
	// Rows rendered as html/template would have (rows.go).
	return template.HTML(b.String())
}

// start is where row i starts in x.rows.
func (x *listingIndex) start(i int32) int {
	if i == 0 {
		return 0
	}
	return x.ends[i-1]
}
