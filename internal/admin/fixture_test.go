package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/admin"
	"newsdesk/internal/auth"
	"newsdesk/internal/editorial"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/search"
	"newsdesk/internal/site"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
	"newsdesk/internal/web"
	"newsdesk/internal/wire"
)

// testPassword passes the password rules; every fixture user has it.
const testPassword = "Tangerine-Rocket-Violin-88"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newsroom is a running portal and newsroom over a fresh database holding
// the seed site and articles, as `newsdesk serve` wires them.
type newsroom struct {
	srv      *httptest.Server
	store    *store.Store
	accounts *accounts.Service
	clock    *clock
	// editorial is the article service the editor pages use.
	editorial *editorial.Service
	// poller polls wire sources ("poll now" on /admin/wires).
	poller *wire.Poller
	// media is the media library, its files in a temporary folder.
	media *media.Service
	// indexer keeps the newsroom's search index current (see indexNow).
	indexer *search.Indexer
}

// indexNow brings the search index up to date with the database, as the
// indexer in serve does within a second.
func (n *newsroom) indexNow(t testing.TB) {
	t.Helper()
	if _, err := n.indexer.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func newNewsroom(t testing.TB, dialect string) *newsroom {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t, dialect)
	root := "../.."
	siteJSON, err := os.ReadFile(filepath.Join(root, "testdata/seed/seed-site.json"))
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, siteJSON); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	im := &ingest.Importer{Store: s, Sanitizer: san, Now: clk.Now}
	for _, name := range []string{"seed-article.ninjs.json", "seed-article-zh.ninjs.json"} {
		data, err := os.ReadFile(filepath.Join(root, "testdata/seed", name))
		if err != nil {
			t.Fatal(err)
		}
		if r := im.Ninjs(ctx, name, data, "news/china/government-dynamic"); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	acc := &accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: clk.Now, Log: log, Issuer: "Newsdesk test"}
	ed := &editorial.Service{Store: s, Sanitizer: san, Now: clk.Now, Log: log}
	poller := &wire.Poller{Store: s, Importer: im, Now: clk.Now, Log: log}
	lib := media.New(s, t.TempDir(), log)
	lib.Now = clk.Now
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	nr, err := admin.New(admin.Options{Store: s, Accounts: acc, Sanitizer: san, Log: log, Now: clk.Now, Editorial: ed, PollWire: poller.PollNowSummary, Media: lib, Search: idx})
	if err != nil {
		t.Fatal(err)
	}
	portal, err := site.New(site.Options{Store: s, Log: log, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", web.SecurityHeaders(nr))
	mux.Handle("/media/", lib)
	mux.Handle("/", portal)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &newsroom{srv: ts, store: s, accounts: acc, clock: clk, editorial: ed, poller: poller, media: lib,
		indexer: &search.Indexer{Store: s, Index: idx, Log: log}}
}

// addUser creates an active user with testPassword and the given grants.
func (n *newsroom) addUser(t testing.TB, email, name string, grants ...news.Grant) news.User {
	t.Helper()
	u, _, err := n.accounts.AddUser(context.Background(), accounts.CLIActor, accounts.NewUser{Email: email, Name: name, Grants: grants, Password: testPassword})
	if err != nil {
		t.Fatalf("add user %s: %v", email, err)
	}
	return u
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so tests see each step.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	// last is the body of the last page fetched.
	last string
}

func (n *newsroom) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: n.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	b.last = string(body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body), header: res.Header}
}

// get fetches a path.
func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// csrf is the form token of the last page fetched.
func (b *browser) csrf() string {
	m := csrfField.FindStringSubmatch(b.last)
	if m == nil {
		b.t.Fatalf("no csrf field on the last page:\n%s", b.last)
	}
	return m[1]
}

// post submits a form the way a same-origin browser does, with the form
// token of the last page fetched unless form already holds one.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf())
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// signIn signs in with email and testPassword and checks it worked.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.get("/admin/login")
	p := b.post("/admin/login", url.Values{"email": {email}, "password": {testPassword}})
	if p.status != http.StatusSeeOther || p.location != "/admin/" {
		b.t.Fatalf("sign in as %s: %d → %q\n%s", email, p.status, p.location, p.body)
	}
}
