package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// changesPerBatch is how many change-log entries one index batch applies.
const changesPerBatch = 500

// articlesPerBatch is how many articles one batch of a full build indexes.
const articlesPerBatch = 200

// Indexer keeps an Index in step with the database by following the change
// log. Every node runs its own over its own index; the index records the
// last seq it applied, so a restarted or new node catches up by itself.
type Indexer struct {
	Store *store.Store
	Index *Index
	Log   *slog.Logger
	// Interval is how often Run polls the change log (default 500 ms).
	Interval time.Duration
	// BatchSize is how many changes (or, in a first build, articles) one
	// index batch takes; 0 means 500 changes or 200 articles.
	BatchSize int
	// OnBatch, when set, is called after each batch is written with the
	// number of changes (or articles) it held.
	OnBatch func(n int)

	// seen holds the saves the last sweep indexed (id → version and time),
	// so the overlap it re-reads is not indexed again.
	seen map[int64]saveMark
}

// saveMark identifies one saved state of an article.
type saveMark struct {
	version int64
	at      time.Time
}

// sweepOverlap is how far before its cursor each sweep looks again: a save
// whose transaction committed late, with an earlier updated_at than one
// already seen, is still picked up.
const sweepOverlap = 5 * time.Second

// Run catches up and then follows the change log until ctx ends, picking up
// a rebuilt index (newsdesk reindex) when CURRENT changes. Errors are logged
// and retried on the next poll.
func (ix *Indexer) Run(ctx context.Context) {
	log := ix.Log
	if log == nil {
		log = slog.Default()
	}
	every := ix.Interval
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if switched, err := ix.Index.Reload(); err != nil {
			log.Error("search index reload", "err", err)
		} else if switched {
			log.Info("search index swapped in", "generation", ix.Index.Generation())
		}
		if n, err := ix.CatchUp(ctx); err != nil && ctx.Err() == nil {
			log.Error("search indexer", "err", err)
		} else if n > 0 {
			log.Debug("search indexer applied changes", "changes", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CatchUp applies every change logged after the index's seq and returns how
// many it applied. An index that was never built is first built from every
// article.
func (ix *Indexer) CatchUp(ctx context.Context) (int, error) {
	seq, built, err := ix.Index.Seq()
	if err != nil {
		return 0, err
	}
	if !built {
		last := 0
		if err := ix.Index.with(func(idx bleve.Index) error {
			return build(ctx, ix.Store, idx, ix.BatchSize, func(done, total int) {
				if ix.OnBatch != nil {
					ix.OnBatch(done - last)
				}
				last = done
			})
		}); err != nil {
			return 0, err
		}
		if seq, _, err = ix.Index.Seq(); err != nil {
			return 0, err
		}
	}
	applied, err := ix.followLog(ctx, seq)
	if err != nil {
		return applied, err
	}
	n, err := ix.sweep(ctx)
	return applied + n, err
}

// followLog applies the changes logged after seq, a batch at a time, each
// batch with the seq it reaches.
func (ix *Indexer) followLog(ctx context.Context, seq int64) (int, error) {
	applied := 0
	for {
		size := ix.BatchSize
		if size <= 0 {
			size = changesPerBatch
		}
		changes, err := ix.Store.Changes(ctx, seq, size)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			return applied, nil
		}
		u, err := ix.updateFor(ctx, changes)
		if err != nil {
			return applied, err
		}
		if err := ix.Index.apply(u); err != nil {
			return applied, err
		}
		seq = u.seq
		applied += len(changes)
		if ix.OnBatch != nil {
			ix.OnBatch(len(changes))
		}
	}
}

// sweep indexes the articles saved since the index's save cursor: drafts,
// reviews and schedules, which readers do not notice and the change log
// does not carry, but the newsroom's search must find. The cursor is
// written in the same batch as the articles.
func (ix *Indexer) sweep(ctx context.Context) (int, error) {
	since, err := ix.Index.savedCursor()
	if err != nil {
		return 0, err
	}
	size := ix.BatchSize
	if size <= 0 {
		size = articlesPerBatch
	}
	from, afterID := since.Add(-sweepOverlap), int64(0)
	seen := map[int64]saveMark{}
	n := 0
	for {
		list, err := ix.Store.ArticlesUpdatedSince(ctx, from, afterID, size)
		if err != nil {
			return n, err
		}
		if len(list) == 0 {
			break
		}
		u := update{}
		for _, a := range list {
			mark := saveMark{a.Version, a.UpdatedAt}
			seen[a.ID] = mark
			if old, ok := ix.seen[a.ID]; ok && old == mark {
				continue
			}
			u.put = append(u.put, a)
		}
		last := list[len(list)-1]
		from, afterID = last.UpdatedAt, last.ID
		if last.UpdatedAt.After(since) {
			since = last.UpdatedAt
		}
		if len(u.put) > 0 {
			u.saved = since
			if err := ix.Index.apply(u); err != nil {
				return n, err
			}
			n += len(u.put)
			if ix.OnBatch != nil {
				ix.OnBatch(len(u.put))
			}
		}
		if len(list) < size {
			break
		}
	}
	ix.seen = seen
	return n, nil
}

// updateFor reads the current state of every article the changes touch:
// the index holds what the database holds now, whatever the kind of change,
// so replaying a change twice is harmless.
func (ix *Indexer) updateFor(ctx context.Context, changes []store.Change) (update, error) {
	u := update{seq: changes[len(changes)-1].Seq}
	seen := map[int64]bool{}
	for _, c := range changes {
		if c.ArticleID == 0 {
			// A site-wide edit names no article; a channel renamed or moved
			// changes the channel of every article under it, which the
			// index filters on.
			if ch, ok := strings.CutPrefix(c.Details["what"], "channel "); ok && c.Kind == news.ChangeSite {
				moved, err := ix.articlesUnder(ctx, ch)
				if err != nil {
					return u, fmt.Errorf("search: change %d: %w", c.Seq, err)
				}
				for _, a := range moved {
					if !seen[a.ID] {
						seen[a.ID] = true
						u.put = append(u.put, a)
					}
				}
			}
			continue
		}
		if seen[c.ArticleID] {
			continue
		}
		seen[c.ArticleID] = true
		a, err := ix.Store.ArticleByID(ctx, c.ArticleID)
		if errors.Is(err, news.ErrNotFound) {
			u.drop = append(u.drop, c.ArticleID)
			continue
		}
		if err != nil {
			return u, fmt.Errorf("search: change %d: %w", c.Seq, err)
		}
		u.put = append(u.put, a)
	}
	return u, nil
}

// Build indexes every article into idx and records the change-log seq read
// before it started, so the changes made during the build are replayed
// after it. progress, when set, is called after each batch with the
// articles done and the total.
func Build(ctx context.Context, st *store.Store, idx bleve.Index, progress func(done, total int)) error {
	return build(ctx, st, idx, articlesPerBatch, progress)
}

func build(ctx context.Context, st *store.Store, idx bleve.Index, size int, progress func(done, total int)) error {
	if size <= 0 {
		size = articlesPerBatch
	}
	seq, err := st.LastChange(ctx)
	if err != nil {
		return err
	}
	saved, err := st.LastArticleUpdate(ctx)
	if err != nil {
		return err
	}
	total, err := st.CountArticles(ctx)
	if err != nil {
		return err
	}
	var after int64
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		list, err := st.ArticlesForIndex(ctx, after, size)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		// No seq yet: an index whose build is cut short has none and is
		// built again from the start.
		if err := applyTo(idx, update{put: list}); err != nil {
			return err
		}
		after = list[len(list)-1].ID
		done += len(list)
		if progress != nil {
			progress(done, max(total, done))
		}
	}
	// The seq is written last: from now on the index counts as built.
	if err := applyTo(idx, update{seq: seq, saved: saved, durable: true}); err != nil {
		return fmt.Errorf("search: write seq: %w", err)
	}
	return nil
}

// Rebuild builds a fresh index of every article in a new generation beside
// the current one, catches it up with the change log, and swaps it in by
// rewriting CURRENT. The index in use keeps serving throughout; a server
// running on dir switches to the new generation on its next poll. It
// returns the new generation's name.
func Rebuild(ctx context.Context, st *store.Store, dir string, progress func(done, total int)) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	build := newGeneration("build")
	path := filepath.Join(dir, build)
	idx, err := newIndex(path)
	if err != nil {
		return "", fmt.Errorf("search: create index: %w", err)
	}
	fail := func(err error) (string, error) {
		idx.Close()
		os.RemoveAll(path)
		return "", err
	}
	if err := Build(ctx, st, idx, progress); err != nil {
		return fail(err)
	}
	x := &Index{dir: dir, idx: idx, gen: build}
	if _, err := (&Indexer{Store: st, Index: x}).CatchUp(ctx); err != nil {
		return fail(err)
	}
	// Close writes the last batches to disk before the swap.
	if err := x.Close(); err != nil {
		os.RemoveAll(path)
		return "", fmt.Errorf("search: close new index: %w", err)
	}
	gen := "g" + build[len("build"):]
	if err := os.Rename(path, filepath.Join(dir, gen)); err != nil {
		os.RemoveAll(path)
		return "", fmt.Errorf("search: %w", err)
	}
	if err := writeCurrent(dir, gen); err != nil {
		return "", err
	}
	return gen, nil
}

// articlesUnder reads, with bodies and tags, every article filed under a
// channel path or below it. It reads them all: channel renames are rare.
func (ix *Indexer) articlesUnder(ctx context.Context, path string) ([]news.Article, error) {
	var out []news.Article
	for after := int64(0); ; {
		list, err := ix.Store.ArticlesForIndex(ctx, after, articlesPerBatch)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.ChannelPath == path || strings.HasPrefix(a.ChannelPath, path+"/") {
				out = append(out, a)
			}
		}
		if len(list) < articlesPerBatch {
			return out, nil
		}
		after = list[len(list)-1].ID
	}
}
