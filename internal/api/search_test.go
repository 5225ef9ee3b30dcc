package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/api"
	"newsdesk/internal/auth"
	"newsdesk/internal/editorial"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/search"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store/storetest"
)

// searchFixture is the API over the seed site with a search index holding a
// published and an embargoed article.
func searchFixture(t *testing.T, dialect string) (*fixture, *search.Indexer) {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t, dialect)
	site, err := os.ReadFile("../../testdata/seed/seed-site.json")
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, site); err != nil {
		t.Fatal(err)
	}
	f := &fixture{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	now := func() time.Time { return f.now }
	im := &ingest.Importer{Store: s, Sanitizer: san, Now: now}
	for _, doc := range []string{
		`{"uri":"urn:t:1","language":"en","headlines":[{"role":"main","value":"Wind <b>turbine</b> output rises"}],
		  "subjects":[{"name":"wind power"}],"infosources":[{"name":"Xinhua","role":"source"}],
		  "bodies":[{"contenttype":"text/html","value":"<p>Output of the wind turbines rose by a third &amp; more.</p>"}],"firstcreated":"2026-11-01T08:00:00Z"}`,
		`{"uri":"urn:t:2","language":"zh","headlines":[{"role":"main","value":"风电装机容量创新高"}],
		  "bodies":[{"contenttype":"text/html","value":"<p>国家能源局发布数据，风电装机容量同比增长。</p>"}],"firstcreated":"2026-11-02T08:00:00Z"}`,
		`{"uri":"urn:t:3","language":"en","headlines":[{"role":"main","value":"Embargoed turbine tender"}],
		  "bodies":[{"contenttype":"text/html","value":"<p>Tender.</p>"}],"firstcreated":"2026-11-01T08:00:00Z","embargoed":"2026-12-01T00:00:00Z"}`,
	} {
		if r := im.Ninjs(ctx, "t.json", []byte(doc), "news/china/industry"); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ix := &search.Indexer{Store: s, Index: idx}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	discard := slog.New(slog.DiscardHandler)
	f.acc = &accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: now, Log: discard}
	f.ed = &editorial.Service{Store: s, Sanitizer: san, Now: now, Log: discard}
	f.api = api.New(f.acc, f.ed, discard, nil, api.WithSearch(idx))
	f.srv = httptest.NewServer(f.api)
	t.Cleanup(f.srv.Close)
	return f, ix
}

func TestSearchAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f, _ := searchFixture(t, dialect)
			cases := []struct {
				name, query string
				status      int
				total       int
				contains    []string
			}{
				{"English stem, no token needed, headline text escaped", "q=turbines", 200, 1, []string{`"headline_html":"Wind \u0026lt;b\u0026gt;\u003cmark\u003eturbine\u003c/mark\u003e\u0026lt;/b\u0026gt; output rises"`, `"snippet":"Output of the wind turbines rose by a third \u0026 more."`}},
				{"two-character Chinese word", "q=" + "%E8%83%BD%E6%BA%90", 200, 1, []string{`\u003cmark\u003e能源\u003c/mark\u003e`, `"language":"zh"`}},
				{"language filter", "q=turbine&language=zh", 200, 0, nil},
				{"channel filter covers the subtree", "q=turbine&channel=news", 200, 1, []string{`"channel":"news/china/industry"`}},
				{"other channel", "q=turbine&channel=policies", 200, 0, nil},
				{"tag", "q=turbine&tag=Wind+Power", 200, 1, nil},
				{"tag not carried", "q=turbine&tag=coal", 200, 0, nil},
				{"source", "q=turbine&source=xinhua", 200, 1, nil},
				{"other source", "q=turbine&source=Reuters", 200, 0, nil},
				{"date range", "q=turbine&from=2026-11-02", 200, 0, nil},
				{"date range inclusive", "q=turbine&to=2026-11-01", 200, 1, nil},
				{"exclusion", "q=turbine+-wind", 200, 0, nil},
				{"phrase", "q=%22wind+turbines%22", 200, 1, nil},
				{"phrase out of order", "q=%22turbines+wind%22", 200, 0, nil},
				{"operators only", "q=*+-+%22%22", 200, 0, []string{`"results":[]`}},
				{"bad language", "q=x&language=fr", 422, 0, []string{`"field":"language"`}},
				{"unknown channel", "q=x&channel=nope", 422, 0, []string{`"field":"channel"`, `there is no channel \"nope\"`}},
				{"bad date", "q=x&from=yesterday", 422, 0, []string{`"field":"from"`}},
				{"bad sort", "q=x&sort=random", 422, 0, []string{`"field":"sort"`}},
				{"too deep", "q=x&page=100&per_page=50", 422, 0, []string{`"field":"page"`}},
				{"bad per_page", "q=x&per_page=0", 422, 0, []string{`"field":"per_page"`}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, _, body := f.call(t, "GET", "/api/v1/search?"+c.query, "", nil)
					if status != c.status {
						t.Fatalf("status %d, want %d: %v", status, c.status, body)
					}
					if status == 200 {
						if got := int(body["total"].(float64)); got != c.total {
							t.Errorf("total %d, want %d: %v", got, c.total, body)
						}
						if n := len(body["results"].([]any)); n != c.total {
							t.Errorf("%d results, want %d", n, c.total)
						}
					}
					text := rawBody(t, f, "/api/v1/search?"+c.query)
					for _, want := range c.contains {
						if !strings.Contains(text, want) {
							t.Errorf("response lacks %s:\n%s", want, text)
						}
					}
				})
			}
			// The embargoed article is found once its time has come, and
			// not before, whatever the query.
			if _, _, body := f.call(t, "GET", "/api/v1/search?q=embargoed+tender", "", nil); body["total"].(float64) != 0 {
				t.Errorf("embargoed article found before its time: %v", body)
			}
		})
	}
}

func TestSearchAPIWithoutIndex(t *testing.T) {
	f := newFixture(t, "sqlite")
	status, _, body := f.call(t, "GET", "/api/v1/search?q=x", "", nil)
	if status != 503 {
		t.Fatalf("status %d, want 503: %v", status, body)
	}
}

func rawBody(t *testing.T, f *fixture, path string) string {
	t.Helper()
	res, err := f.srv.Client().Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func TestNewsroomSearchAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f, ix := searchFixture(t, dialect)
			ctx := context.Background()
			user := func(email string, g news.Grant) (news.User, string) {
				if _, _, err := f.acc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: email, Name: email, Password: "Tangerine-Rocket-Violin-88",
					Grants: []news.Grant{g}}); err != nil {
					t.Fatal(err)
				}
				u, err := f.acc.Store.UserByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				_, tok, err := f.acc.CreateToken(ctx, accounts.CLIActor, accounts.NewToken{Email: email, Name: "t", Scopes: []string{"read"}})
				if err != nil {
					t.Fatal(err)
				}
				return u, tok
			}
			_, chiefTok := user("chief@example.org", news.Grant{Role: news.RoleChiefEditor})
			writer, writerTok := user("writer@example.org", news.Grant{Role: news.RoleContributor})
			other, _ := user("other@example.org", news.Grant{Role: news.RoleContributor})
			for _, d := range []struct {
				by news.User
				h  string
			}{{writer, "Writer draft on turbine blades"}, {other, "Other draft on turbine towers"}} {
				if _, err := f.ed.Create(ctx, d.by, "", editorial.Draft{Language: "en", Channel: "news/world", Headline: d.h, BodyHTML: "<p>Draft.</p>"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			count := func(tok, query string) int {
				t.Helper()
				status, _, body := f.call(t, "GET", "/api/v1/articles/search?"+query, tok, nil)
				if status != 200 {
					t.Fatalf("%s: status %d: %v", query, status, body)
				}
				return len(body["results"].([]any))
			}
			// The chief sees every status; the drafts never reach the public search.
			if n := count(chiefTok, "q=turbine"); n != 4 {
				t.Errorf("chief: %d results for turbine, want 4 (one published, one embargoed, two drafts)", n)
			}
			if n := count(chiefTok, "q=turbine&status=draft"); n != 2 {
				t.Errorf("chief, drafts: %d, want 2", n)
			}
			if n := count(chiefTok, "q=turbine&status=scheduled,published"); n != 2 {
				t.Errorf("chief, scheduled and published: %d, want 2", n)
			}
			// A contributor finds only their own articles.
			if n := count(writerTok, "q=turbine"); n != 1 {
				t.Errorf("contributor: %d results, want 1 (their own draft)", n)
			}
			if _, _, body := f.call(t, "GET", "/api/v1/search?q=draft", "", nil); body["total"].(float64) != 0 {
				t.Errorf("drafts in the public search: %v", body)
			}
			if status, _, _ := f.call(t, "GET", "/api/v1/articles/search?q=turbine", "", nil); status != 401 {
				t.Errorf("no token: status %d, want 401", status)
			}
			if status, _, body := f.call(t, "GET", "/api/v1/articles/search?q=turbine&status=bogus", chiefTok, nil); status != 422 {
				t.Errorf("bad status: %d %v", status, body)
			}
		})
	}
}
