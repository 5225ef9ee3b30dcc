package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"newsdesk/internal/news"
)

// currentFile names the generation directory in use. Rebuilds write a new
// generation beside it and replace this file atomically (rename), so a
// reader of the directory sees the old index or the new one, never half.
const currentFile = "CURRENT"

// seqKey is where an index keeps the last change-log seq it applied, in the
// index's own internal storage and in the same batch as the documents that
// change brought: the index and its position in the log persist together,
// so after a crash the index resumes exactly where its data stands.
var seqKey = []byte("newsdesk.seq")

// savedKey is where an index keeps the updated_at of the newest save it
// applied (see Indexer.sweep), beside the seq and for the same reason.
var savedKey = []byte("newsdesk.saved")

// flushKey is touched by durable batches, so that even a batch with
// nothing else to write makes a snapshot to wait for.
var flushKey = []byte("newsdesk.flushed")

// Index is this node's search index: the generation CURRENT names, reopened
// when a rebuild swaps in a new one. Safe for concurrent use.
type Index struct {
	dir string
	mu  sync.RWMutex
	idx bleve.Index
	gen string
}

// Open opens (or creates) the index kept in dir. Generations other than the
// current one, left by earlier rebuilds, are removed.
func Open(dir string) (*Index, error) {
	if dir == "" {
		return nil, errors.New("search: no index directory (--index)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	gen, err := readCurrent(dir)
	if err != nil {
		return nil, err
	}
	if gen == "" {
		gen = newGeneration("g")
		idx, err := newIndex(filepath.Join(dir, gen))
		if err != nil {
			return nil, fmt.Errorf("search: create index: %w", err)
		}
		if err := writeCurrent(dir, gen); err != nil {
			idx.Close()
			return nil, err
		}
		x := &Index{dir: dir, idx: idx, gen: gen}
		x.removeOldGenerations()
		return x, nil
	}
	idx, err := openGeneration(dir, gen)
	if err != nil {
		return nil, err
	}
	x := &Index{dir: dir, idx: idx, gen: gen}
	x.removeOldGenerations()
	return x, nil
}

func openGeneration(dir, gen string) (bleve.Index, error) {
	// One process at a time holds an index: a second one on the same
	// folder fails after a few seconds instead of waiting forever.
	idx, err := bleve.OpenUsing(filepath.Join(dir, gen), map[string]any{"bolt_timeout": "5s"})
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		// CURRENT names a generation that is gone (removed by hand):
		// start an empty one, which the indexer then fills.
		idx, err = newIndex(filepath.Join(dir, gen))
	}
	if err != nil {
		return nil, fmt.Errorf("search: open index %s (is another newsdesk serve using this --index?): %w", filepath.Join(dir, gen), err)
	}
	return idx, nil
}

// newIndex creates an empty index at path. Batches return once they are
// searchable rather than once they are on disk ("unsafe_batch"): scorch
// persists whole snapshots, documents and internal values (the seq and save
// cursor) together, so a crash loses at most the latest batches, never
// their consistency, and the indexer applies them again from the seq that
// survived. The crash test kills an indexer to check exactly this. Where
// the data must be on disk (the end of a build, Close before a swap), a
// durable batch waits for it.
func newIndex(path string) (bleve.Index, error) {
	return bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, map[string]any{"unsafe_batch": true})
}

// newGeneration names a new generation directory.
func newGeneration(prefix string) string {
	return prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	gen := strings.TrimSpace(string(b))
	if gen == "" || strings.ContainsAny(gen, `/\`) || gen == "." || gen == ".." {
		return "", fmt.Errorf("search: %s names no generation (%q)", filepath.Join(dir, currentFile), gen)
	}
	return gen, nil
}

// writeCurrent points CURRENT at gen atomically: write a temporary file,
// sync it, rename it over the old one.
func writeCurrent(dir, gen string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("search: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("search: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, currentFile)); err != nil {
		return fmt.Errorf("search: swap index: %w", err)
	}
	return nil
}

// removeOldGenerations deletes finished generations other than the current
// one. Rebuilds in progress ("build-" directories) are left alone.
func (x *Index) removeOldGenerations() {
	entries, err := os.ReadDir(x.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "g-") && e.Name() != x.gen {
			os.RemoveAll(filepath.Join(x.dir, e.Name()))
		}
	}
}

// Close writes what is still only in memory to disk and closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := applyTo(x.idx, update{durable: true})
	if cerr := x.idx.Close(); err == nil {
		err = cerr
	}
	x.idx = nil
	return err
}

// Generation is the name of the generation directory in use.
func (x *Index) Generation() string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.gen
}

// Reload switches to the generation CURRENT names when a rebuild has
// replaced it, closing and removing the old one. It reports whether it
// switched.
func (x *Index) Reload() (bool, error) {
	gen, err := readCurrent(x.dir)
	if err != nil || gen == "" {
		return false, err
	}
	x.mu.RLock()
	same := gen == x.gen
	x.mu.RUnlock()
	if same {
		return false, nil
	}
	idx, err := openGeneration(x.dir, gen)
	if err != nil {
		return false, err
	}
	x.mu.Lock()
	old := x.idx
	x.idx, x.gen = idx, gen
	x.mu.Unlock()
	if old != nil {
		old.Close()
	}
	x.removeOldGenerations()
	return true, nil
}

// with runs fn on the open bleve index under the read lock, so a swap waits
// for running searches and batches.
func (x *Index) with(fn func(bleve.Index) error) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return errors.New("search: index is closed")
	}
	return fn(x.idx)
}

// Seq is the last change-log seq the index applied, and whether it was ever
// built (an index that never finished its first build has none).
func (x *Index) Seq() (int64, bool, error) {
	var seq int64
	var built bool
	err := x.with(func(idx bleve.Index) error {
		var err error
		seq, built, err = readSeq(idx)
		return err
	})
	return seq, built, err
}

func readSeq(idx bleve.Index) (int64, bool, error) {
	b, err := idx.GetInternal(seqKey)
	if err != nil {
		return 0, false, fmt.Errorf("search: read seq: %w", err)
	}
	if b == nil {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("search: stored seq %q: %w", b, err)
	}
	return n, true, nil
}

// savedCursor is the updated_at of the newest save applied (zero: none).
func (x *Index) savedCursor() (time.Time, error) {
	var t time.Time
	err := x.with(func(idx bleve.Index) error {
		b, err := idx.GetInternal(savedKey)
		if err != nil || b == nil {
			return err
		}
		t, err = time.Parse(time.RFC3339Nano, string(b))
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("search: read save cursor: %w", err)
	}
	return t, nil
}

// Count is the number of documents (articles in every status) indexed.
func (x *Index) Count() (uint64, error) {
	var n uint64
	err := x.with(func(idx bleve.Index) error {
		var err error
		n, err = idx.DocCount()
		return err
	})
	return n, err
}

// update is one batch of index changes: articles to (re)index, ids to
// drop, and the seq they bring the index to (0: leave the seq alone).
type update struct {
	put  []news.Article
	drop []int64
	seq  int64
	// saved, when not zero, moves the save cursor.
	saved time.Time
	// durable waits until the batch, and so everything before it, is on
	// disk (batches otherwise return once searchable; see newIndex).
	durable bool
}

// apply writes an update in one batch, the seq included.
func applyTo(idx bleve.Index, u update) error {
	b := idx.NewBatch()
	for _, a := range u.put {
		if err := b.Index(docID(a.ID), docOf(a).fields()); err != nil {
			return fmt.Errorf("search: index article %d: %w", a.ID, err)
		}
	}
	for _, id := range u.drop {
		b.Delete(docID(id))
	}
	if u.seq > 0 {
		b.SetInternal(seqKey, []byte(strconv.FormatInt(u.seq, 10)))
	}
	if !u.saved.IsZero() {
		b.SetInternal(savedKey, []byte(u.saved.UTC().Format(time.RFC3339Nano)))
	}
	var persisted chan error
	if u.durable {
		persisted = make(chan error, 1)
		b.SetInternal(flushKey, []byte(time.Now().UTC().Format(time.RFC3339Nano)))
		b.SetPersistedCallback(func(err error) { persisted <- err })
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: write batch: %w", err)
	}
	if persisted != nil {
		if err := <-persisted; err != nil {
			return fmt.Errorf("search: persist batch: %w", err)
		}
	}
	return nil
}

func (x *Index) apply(u update) error {
	return x.with(func(idx bleve.Index) error { return applyTo(idx, u) })
}

// Stored reports what the index holds of one article, for tests and checks
// that the index matches the database: ok is false when it is not indexed.
func (x *Index) Stored(ctx context.Context, id int64) (s StoredDoc, ok bool, err error) {
	err = x.with(func(idx bleve.Index) error {
		req := bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{docID(id)}))
		req.Fields = []string{"status", "public", "digest"}
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		if len(res.Hits) == 0 {
			return nil
		}
		ok = true
		f := res.Hits[0].Fields
		s.Status, _ = f["status"].(string)
		p, _ := f["public"].(string)
		s.Public = p == "yes"
		s.Digest, _ = f["digest"].(string)
		return nil
	})
	return s, ok, err
}

// StoredDoc is what the index keeps of an article beyond its terms.
type StoredDoc struct {
	Status string
	Public bool
	// Digest fingerprints the indexed document; Digest(article) must equal it
	// when the index is up to date.
	Digest string
}

// Digest is the fingerprint the index stores for the article as given.
func Digest(a news.Article) string { return docOf(a).digest() }
