package export_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"newsdesk/internal/editorial"
	"newsdesk/internal/export"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const repoRoot = "../.."

type fixture struct {
	store  *store.Store
	portal *site.Server
	ed     *editorial.Service
	chief  news.User
	now    time.Time
	loc    *time.Location
	base   *url.URL
}

func newFixture(t *testing.T, dialect string) *fixture { return newFixtureTB(t, dialect) }

func newFixtureTB(t testing.TB, dialect string) *fixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t, dialect)
	siteJSON, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed/seed-site.json"))
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, siteJSON); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	im := &ingest.Importer{Store: s, Sanitizer: san, Now: func() time.Time { return f.now }}
	for _, name := range []string{"seed-article.ninjs.json", "seed-article-zh.ninjs.json"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed", name))
		if err != nil {
			t.Fatal(err)
		}
		if r := im.Ninjs(ctx, name, data, "news/china/government-dynamic"); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	// The export's portal names the public site, as `newsdesk export` sets
	// it up; ArticlePages needs it.
	f.portal, err = site.New(site.Options{Store: s, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler),
		BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	f.chief = news.User{Email: "chief@example.org", Name: "Chief", Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
	if f.chief.ID, err = s.CreateUser(ctx, f.chief, f.now); err != nil {
		t.Fatal(err)
	}
	f.ed = &editorial.Service{Store: s, Sanitizer: san, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler)}
	st, err := s.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.loc = st.Location()
	f.base, _ = url.Parse("https://news.example.org/")
	return f
}

// publish writes an article in a channel and publishes it at f.now.
func (f *fixture) publish(t *testing.T, channel, headline string) news.Article {
	t.Helper()
	ctx := context.Background()
	a, err := f.ed.Create(ctx, f.chief, "", editorial.Draft{Language: "en", Channel: channel, Headline: headline,
		Summary: headline + ".", BodyHTML: "<p>" + strings.Repeat(headline+". ", 40) + "</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = f.ed.Transition(ctx, f.chief, "", a.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) targets(t *testing.T) <-chan export.Target { return f.targetsTB(t) }

func (f *fixture) targetsTB(t testing.TB) <-chan export.Target {
	ch := make(chan export.Target)
	done := make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		defer close(ch)
		err := f.portal.Paths(context.Background(), f.now, func(tg site.Target) error {
			ch <- export.Target{Path: tg.Path, Paged: tg.Paged, Article: tg.Article}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}()
	return ch
}

func (f *fixture) exporter(dir string) *export.Exporter {
	return &export.Exporter{Handler: f.portal, Listing: f.portal.ListingPages, Articles: f.portal.ArticlePages, Base: f.base, Dir: dir, Workers: 3}
}

// served is what the portal sends for a path, as a reader gets it.
func served(t *testing.T, f *fixture, target string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	req.Host = f.base.Host
	rec := httptest.NewRecorder()
	f.portal.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func file(dir, p string) string {
	name := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(name, "/") || name == "" {
		name += "index.html"
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// TestFullExport: every page, listing page and asset is written with the
// bytes the server sends, compressed siblings decompress to the same, and
// a second export switches the link to a new tree in one rename.
func TestFullExport(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f := newFixture(t, dialect)
			var arts []news.Article
			for i := range 45 { // three pages of /en/news/world/
				arts = append(arts, f.publish(t, "news/world", "World grid report "+string(rune('A'+i%26))+strings.Repeat("x", i/26)))
			}
			dir := filepath.Join(t.TempDir(), "site")
			sum, err := f.exporter(dir).Full(context.Background(), f.targets(t), export.State{Seq: 1, Base: f.base.String()})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Pages < 45+20 {
				t.Errorf("only %d pages written", sum.Pages)
			}
			// Each page once: as many pages as files besides their siblings.
			written := 0
			filepath.WalkDir(dir+"/", func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".gz") && !strings.HasSuffix(p, ".br") && d.Name() != ".newsdesk-export.json" {
					written++
				}
				return nil
			})
			if written != sum.Pages {
				t.Errorf("%d pages counted, %d files written", sum.Pages, written)
			}
			if link, err := os.Readlink(dir); err != nil || !strings.HasPrefix(link, "site.") {
				t.Fatalf("%s is not a link to a tree: %q %v", dir, link, err)
			}
			checks := []string{"/en/", "/zh/", "/en/news/world/", "/en/about-us/", "/en/corrections/"}
			articles := 0
			if err := f.portal.Paths(context.Background(), f.now, func(tg site.Target) error {
				if tg.Article { // the seed articles (one Chinese) and arts
					checks = append(checks, tg.Path)
					articles++
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if articles != len(arts)+2 {
				t.Errorf("Paths marks %d articles, want %d", articles, len(arts)+2)
			}
			for _, p := range checks {
				code, want := served(t, f, p)
				got, err := os.ReadFile(file(dir, p))
				if code != 200 || err != nil {
					t.Errorf("%s: served %d, file %v", p, code, err)
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: the file differs from what the server sends", p)
				}
				gz, err := os.ReadFile(file(dir, p) + ".gz")
				if err != nil {
					t.Errorf("%s: no .gz: %v", p, err)
					continue
				}
				zr, err := gzip.NewReader(bytes.NewReader(gz))
				if err != nil {
					t.Fatal(err)
				}
				if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, want) {
					t.Errorf("%s.gz does not decompress to the page", p)
				}
				br, err := os.ReadFile(file(dir, p) + ".br")
				if err != nil {
					t.Errorf("%s: no .br: %v", p, err)
					continue
				}
				if plain, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); !bytes.Equal(plain, want) {
					t.Errorf("%s.br does not decompress to the page", p)
				}
			}
			// Later pages of a listing, found through rel="next".
			for n, p := range map[int]string{2: "/en/news/world/?page=2", 3: "/en/news/world/?page=3"} {
				_, want := served(t, f, p)
				got, err := os.ReadFile(filepath.Join(dir, "en", "news", "world", "page", string(rune('0'+n)), "index.html"))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("listing page %d: %v (equal %v)", n, err, bytes.Equal(got, want))
				}
			}
			// The root chooses a language: a file can only point to the default.
			if root, err := os.ReadFile(filepath.Join(dir, "index.html")); err != nil || !strings.Contains(string(root), `url=/en/`) {
				t.Errorf("root: %v %s", err, root)
			}
			// Assets under their hashed names.
			if matches, _ := filepath.Glob(filepath.Join(dir, "static", "site.*.css")); len(matches) != 1 {
				t.Errorf("assets: %v", matches)
			}
			first, _ := os.Readlink(dir)
			for range 2 {
				if _, err := f.exporter(dir).Full(context.Background(), f.targets(t), export.State{Seq: 2, Base: f.base.String()}); err != nil {
					t.Fatal(err)
				}
			}
			now, _ := os.Readlink(dir)
			trees, _ := filepath.Glob(dir + ".2*")
			if now == first || len(trees) != 2 {
				t.Errorf("after two more exports: link %s (first %s), trees %v; want a new tree and one previous kept", now, first, trees)
			}
			if st, ok, err := export.ReadState(dir); err != nil || !ok || st.Seq != 2 {
				t.Errorf("state %+v %v %v", st, ok, err)
			}
		})
	}
}

// TestSnapshotExportMatches: the export's portal (Options.Snapshot, which
// cuts every channel and tag listing from one reading of a language's
// articles) writes the same tree, file for file and byte for byte, as a
// serving portal that reads each listing on its own: listings of several
// pages, subtrees, tags shared across channels, pinned stories.
func TestSnapshotExportMatches(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, dialect)
			channels := []string{"news/world", "news/china/industry", "news/china/government-dynamic"}
			var pin news.Article
			for i := range 50 {
				a, err := f.ed.Create(ctx, f.chief, "", editorial.Draft{Language: "en", Channel: channels[i%3],
					Headline: fmt.Sprintf("Grid & <power> story %d", i), Summary: fmt.Sprintf("Summary 'quoted' + %d.", i%4),
					BodyHTML: "<p>Text.</p>", Tags: []string{"grid", fmt.Sprintf("tag %d", i%4), "电网"}[:1+i%3]})
				if err != nil {
					t.Fatal(err)
				}
				if a, err = f.ed.Transition(ctx, f.chief, "", a.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
					t.Fatal(err)
				}
				if i == 10 {
					pin = a
				}
			}
			if err := f.store.InTx(ctx, func(tx *store.Tx) error {
				return tx.SetPin(ctx, store.ChannelScope("news"), pin.ID, 1)
			}); err != nil {
				t.Fatal(err)
			}
			snap, err := site.New(site.Options{Store: f.store, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler),
				BaseURL: "https://news.example.org", Snapshot: true})
			if err != nil {
				t.Fatal(err)
			}
			serving, snapshot := filepath.Join(t.TempDir(), "serving"), filepath.Join(t.TempDir(), "snapshot")
			if _, err := f.exporter(serving).Full(ctx, f.targets(t), export.State{Seq: 1, Base: f.base.String()}); err != nil {
				t.Fatal(err)
			}
			ex := f.exporter(snapshot)
			ex.Handler, ex.Listing, ex.Articles = snap, snap.ListingPages, snap.ArticlePages
			if _, err := ex.Full(ctx, f.targets(t), export.State{Seq: 1, Base: f.base.String()}); err != nil {
				t.Fatal(err)
			}
			a, b := treeFiles(t, serving), treeFiles(t, snapshot)
			if len(a) != len(b) {
				t.Errorf("%d files from the serving portal, %d from the snapshot one", len(a), len(b))
			}
			listings := 0
			for name, want := range a {
				if got, ok := b[name]; !ok || !bytes.Equal(got, want) {
					t.Errorf("%s: the snapshot portal's file differs (present %v)", name, ok)
				}
				if strings.Contains(name, "/page/") {
					listings++
				}
			}
			if listings < 3 {
				t.Errorf("only %d later listing pages: the test lists too little", listings)
			}
		})
	}
}

// treeFiles reads every file of the export tree dir links to, by name,
// but its state file.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir+"/", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ".newsdesk-export.json" {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(strings.TrimPrefix(p, dir+"/"))] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestIncrementalExport: only the pages a change touched are rewritten; a
// page no longer served is removed with its siblings; a listing that got
// shorter loses its last page.
func TestIncrementalExport(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, dialect)
			var arts []news.Article
			for i := range 21 {
				arts = append(arts, f.publish(t, "news/world", "Incremental story "+string(rune('A'+i))))
			}
			dir := filepath.Join(t.TempDir(), "site")
			seq, _ := f.store.LastChange(ctx)
			if _, err := f.exporter(dir).Full(ctx, f.targets(t), export.State{Seq: seq, Base: f.base.String()}); err != nil {
				t.Fatal(err)
			}
			untouched := file(dir, "/zh/")
			old := time.Now().Add(-time.Hour)
			os.Chtimes(untouched, old, old)
			page2 := filepath.Join(dir, "en", "news", "world", "page", "2", "index.html")
			if _, err := os.Stat(page2); err != nil {
				t.Fatalf("page 2 of the listing: %v", err)
			}

			// Unpublish one: 20 left, one page.
			gone := arts[0]
			if _, err := f.ed.Transition(ctx, f.chief, "", gone.ID, news.Step{Transition: news.TransitionUnpublish}); err != nil {
				t.Fatal(err)
			}
			st, _, _ := export.ReadState(dir)
			changes, err := f.store.Changes(ctx, st.Seq, 100)
			if err != nil || len(changes) != 1 {
				t.Fatalf("changes since the export: %v %v", changes, err)
			}
			var paths []string
			p, _, all, err := f.portal.AffectedPaths(ctx, changes[0])
			if err != nil || all {
				t.Fatalf("affected: %v %v", all, err)
			}
			paths = append(paths, p...)
			targets := make(chan export.Target)
			go func() {
				defer close(targets)
				for _, p := range paths {
					targets <- export.Target{Path: p, Paged: strings.HasSuffix(p, "/")}
				}
			}()
			sum, err := f.exporter(dir).Incremental(ctx, targets, export.State{Seq: changes[0].Seq, Base: f.base.String()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(file(dir, gone.Path(f.loc))); !os.IsNotExist(err) {
				t.Errorf("the unpublished article's page is still there: %v", err)
			}
			if _, err := os.Stat(file(dir, gone.Path(f.loc)) + ".gz"); !os.IsNotExist(err) {
				t.Errorf("the unpublished article's .gz is still there: %v", err)
			}
			if _, err := os.Stat(page2); !os.IsNotExist(err) {
				t.Errorf("the listing's second page is still there: %v", err)
			}
			_, want := served(t, f, "/en/news/world/")
			if got, _ := os.ReadFile(file(dir, "/en/news/world/")); !bytes.Equal(got, want) {
				t.Error("the listing was not rewritten")
			}
			if info, _ := os.Stat(untouched); info.ModTime().After(old.Add(time.Minute)) {
				t.Errorf("/zh/ was rewritten by an English change")
			}
			if sum.Removed == 0 || sum.Pages > len(paths) {
				t.Errorf("summary %+v for %d paths", sum, len(paths))
			}
		})
	}
}

// TestRefusesAFolderItDidNotMake: DIR holding someone's files is never
// replaced.
func TestRefusesAFolderItDidNotMake(t *testing.T) {
	f := newFixture(t, "sqlite")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644)
	_, err := f.exporter(dir).Full(context.Background(), f.targets(t), export.State{})
	if err == nil || !strings.Contains(err.Error(), "holds files") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "mine" {
		t.Error("the folder's file was touched")
	}
}

func TestDecodePath(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"/en/tags/%E7%94%B5%E7%BD%91/", "/en/tags/电网/", true},
		{"/en/news/", "/en/news/", true},
		{"/en/tags/..%2Fnews/", "", false},
		{"/en/tags/%2E%2E/", "", false},
		{"/en/tags/./", "", false},
		{"/en/tags/a%2Fb/", "", false},
		{"/en/tags/a%5Cb/", "", false},
		{"/en/tags/%zz/", "", false},
	}
	for _, c := range cases {
		got, ok := export.DecodePathForTest(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("decodePath(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
