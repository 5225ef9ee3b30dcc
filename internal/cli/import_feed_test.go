package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"newsdesk/internal/news"
)

const sharedFeeds = "../../testdata/feeds/gofeed/testdata"

func TestImportFeedFile(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		file := filepath.Join(t.TempDir(), "wire.xml")
		os.WriteFile(file, []byte(`<rss version="2.0"><channel><title>Wire</title><link>https://w.example/</link>
<item><guid>1</guid><title>One</title><description>First</description></item>
<item><guid>2</guid><title>Two</title><description>Second</description></item>
<item><description></description></item></channel></rss>`), 0o600)
		r := run(t, nil, "import", "feed", file, "--channel", gd, "--credit", "W Agency", "--db", db)
		r.expect(t, 1, []string{"import feed: 3 items: 2 created, 0 updated, 0 unchanged, 0 duplicates, 0 older ignored, 1 failed"},
			[]string{"[1/3] item 1 (1): created (One)", "item 3: FAILED: the item has neither a title nor a body"})
		s := open(t, db)
		a, err := s.ArticleByURI(ctx, "https://w.example/#1")
		if err != nil || a.Status != news.StatusInReview || a.Source != "W Agency" || a.Language != "en" {
			t.Errorf("article = %+v, %v", a, err)
		}
		// Again: nothing new, and the failed item still says why.
		run(t, nil, "import", "feed", "--db", db, file, "--credit", "W Agency").expect(t, 1,
			[]string{"0 created, 0 updated, 2 unchanged"}, nil)
	})
}

func TestImportFeedURL(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedFeeds, "translator/json/json11_full.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write(data)
	}))
	defer srv.Close()
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		// The test server listens on 127.0.0.1: refused until allowed.
		run(t, nil, "import", "feed", srv.URL, "--channel", gd, "--publish", "--db", db).
			expect(t, 1, nil, []string{"address refused", "127.0.0.1", "administrator can allow"})
		s := open(t, db)
		if _, err := s.SetFetchAllowList(ctx, []string{"127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		run(t, nil, "import", "feed", srv.URL, "--channel", gd, "--publish", "--language", "zh", "--db", db).
			expect(t, 0, []string{"import feed: 1 items: 1 created"}, nil)
		a, err := s.ArticleByURI(ctx, "https://sample-json-feed.com#id")
		if err != nil || a.Status != news.StatusPublished || a.Language != "zh" || a.Headline != "title" {
			t.Errorf("article = %+v, %v", a, err)
		}
	})
}

func TestImportFeedUsage(t *testing.T) {
	dbFile := filepath.Join(t.TempDir(), "untouched.db")
	env := map[string]string{"NEWSDESK_DB": "sqlite:" + dbFile}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "feed"}, "expected exactly one URL or FILE, got 0"},
		{[]string{"import", "feed", "a", "b"}, "got 2"},
		{[]string{"import", "feed", "a", "--format", "gopher"}, `--format "gopher"`},
		{[]string{"import", "feed", "a", "--language", "fr"}, `--language "fr"`},
	}
	for _, tt := range tests {
		run(t, env, tt.args...).expect(t, 2, nil, []string{tt.want})
	}
	if _, err := os.Stat(dbFile); !os.IsNotExist(err) {
		t.Errorf("a usage error touched the database: %v", err)
	}
}
