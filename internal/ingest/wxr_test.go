package ingest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const wxrDir = "../../../shared/testdata/wordpress-wxr"

// refusedWXR are the files that must be refused whole, with the line.
var refusedWXR = map[string]string{
	"malformed.xml":           "line 90: malformed XML",
	"malformed-simple.xml":    "line 14: malformed XML",
	"crazy-cdata.xml":         "line 18: malformed XML",
	"missing-version-tag.xml": "has no wp:wxr_version",
	"invalid-version-tag.xml": `line 33: wp:wxr_version "abc"`,
}

func wxrFiles(t *testing.T) []string {
	t.Helper()
	a, _ := filepath.Glob(filepath.Join(wxrDir, "*", "*.xml"))
	b, _ := filepath.Glob(filepath.Join(wxrDir, "*", "*", "*.xml"))
	files := append(a, b...)
	if len(files) < 38 {
		t.Fatalf("found %d WXR files under %s", len(files), wxrDir)
	}
	return files
}

func importWXR(t *testing.T, im *ingest.Importer, path, channel string) ingest.WXRSummary {
	t.Helper()
	w, err := feed.ParseWXR(read(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sum, err := im.WXR(ctx, w, ingest.WXROptions{File: filepath.Base(path), Channel: channel}, func(r ingest.ItemResult) {
		if r.Outcome == ingest.Failed {
			t.Errorf("%s: %v", r.Path, r.Err)
		}
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sum
}

// TestEveryWXRFile: each shared WordPress export imports (or is refused
// whole with its line and reason, importing nothing), and importing it
// again changes nothing.
func TestEveryWXRFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		for _, path := range wxrFiles(t) {
			name := filepath.Base(path)
			if want, refused := refusedWXR[name]; refused {
				_, err := feed.ParseWXR(read(t, path))
				if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "line ") {
					t.Errorf("%s: %v, want a refusal with %q", name, err, want)
				}
				continue
			}
			before, _ := s.CountArticles(ctx)
			first := importWXR(t, im, path, "news")
			after, _ := s.CountArticles(ctx)
			if after-before != first.Counts[ingest.Created]-first.PagesCreated {
				t.Errorf("%s: %d new articles, summary says %v", name, after-before, first)
			}
			again := importWXR(t, im, path, "news")
			if again.Counts[ingest.Created] != 0 || again.Counts[ingest.Updated] != 0 || again.ChannelsCreated != 0 || again.UsersCreated != 0 ||
				again.Pages != 0 || again.Redirects != 0 {
				t.Errorf("%s: second import changed something: %v", name, again)
			}
			if n, _ := s.CountArticles(ctx); n != after {
				t.Errorf("%s: second import made %d articles", name, n-after)
			}
		}
	})
}

func TestWXRSmallExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		sum := importWXR(t, im, filepath.Join(wxrDir, "wordpress-importer/phpunit-data/small-export.xml"), "news")
		// 5 posts published, 1 private; 4 published pages and a draft one.
		if sum.Counts[ingest.Created] != 10 || sum.Counts[ingest.Skipped] != 1 || sum.UsersCreated != 3 || sum.Pages != 4 {
			t.Errorf("summary %v", sum)
		}
		users, _ := s.Users(ctx)
		disabled := 0
		for _, u := range users {
			if u.Email == "editor@example.org" && (u.Status != news.UserDisabled || u.Name != "editor") {
				t.Errorf("author user %+v", u)
			}
			if u.Status == news.UserDisabled {
				disabled++
			}
		}
		if disabled != 3 {
			t.Errorf("%d disabled users, want 3", disabled)
		}
		// Nested categories became nested channels under --channel.
		tree, _ := s.Channels(ctx)
		var paths []string
		for _, c := range tree.All() {
			paths = append(paths, c.Path)
		}
		joined := strings.Join(paths, " ")
		for _, want := range []string{"news/alpha", "news/bar", "news/bar/foo-bar", "news/foo", "news/gamma"} {
			if !strings.Contains(" "+joined+" ", " "+want+" ") {
				t.Errorf("no channel %s in %s", want, joined)
			}
		}
	})
}
