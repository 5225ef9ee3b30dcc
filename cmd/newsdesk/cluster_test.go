package main

// The cluster harness: several `newsdesk serve` processes on one PostgreSQL
// database, as a production deployment runs them. TestClusterPublishClock
// holds the publish clock to its promise across nodes; later issues reuse
// startCluster for caches, search and feeds.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"newsdesk/internal/accounts"
	"newsdesk/internal/auth"
	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// node is one `newsdesk serve` of a cluster.
type node struct {
	*server
	name string
}

// startCluster runs n `newsdesk serve` processes on the database at dbURL,
// each in its own folder and on its own port; the first applies the
// migrations (--automigrate) before the others start. It returns when every
// node answers /readyz; nodes still running when the test ends are killed.
// For a PostgreSQL dbURL use storetest.URL(t, "postgres"), which skips
// loudly without PostgreSQL (and fails under CI=true).
func startCluster(t *testing.T, n int, dbURL string, common ...string) []*node {
	t.Helper()
	args := func(extra ...string) []string {
		return append(append([]string{"--addr", "127.0.0.1:0", "--db", dbURL}, common...), extra...)
	}
	first := startServe(t, t.TempDir(), args("--automigrate")...)
	first.ready(t)
	nodes := []*node{{server: first, name: "node1"}}
	for i := 2; i <= n; i++ {
		nodes = append(nodes, &node{server: startServe(t, t.TempDir(), args()...), name: fmt.Sprintf("node%d", i)})
	}
	for _, nd := range nodes[1:] {
		nd.ready(t)
	}
	return nodes
}

// kill9 ends the node with SIGKILL, as a crash or the OOM killer would:
// no shutdown, open transactions left to the database to roll back.
func (nd *node) kill9(t *testing.T) {
	t.Helper()
	if err := nd.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("%s: SIGKILL: %v", nd.name, err)
	}
	select {
	case <-nd.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still running 10 s after SIGKILL", nd.name)
	}
}

var publishedLogRe = regexp.MustCompile(`msg="?published(?: late)?"? .*?article=(\d+)`)

// published counts the articles this node's publish clock logged.
func (nd *node) published() int {
	return len(publishedLogRe.FindAllString(nd.stderr.String(), -1))
}

// newsroomClient schedules articles in-process through the editorial
// service, on the cluster's database, as the newsroom pages would.
type newsroomClient struct {
	store *store.Store
	ed    *editorial.Service
	chief news.User
	loc   *time.Location
}

func newNewsroomClient(t *testing.T, dbURL string) *newsroomClient {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	log := slog.New(slog.DiscardHandler)
	acc := &accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: time.Now, Log: log}
	chief, _, err := acc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: "chief@example.org", Name: "Chief",
		Password: "Tangerine-Rocket-Violin-88", Grants: []news.Grant{{Role: news.RoleChiefEditor}}})
	if err != nil {
		t.Fatal(err)
	}
	site, err := s.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &newsroomClient{store: s, chief: chief, loc: site.Location(),
		ed: &editorial.Service{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now, Log: log}}
}

// schedule writes one article per due time and schedules it for then (the
// workflow keeps whole seconds).
func (c *newsroomClient) schedule(t *testing.T, prefix string, due []time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, len(due))
	for i, at := range due {
		a, err := c.ed.Create(ctx, c.chief, "", editorial.Draft{Language: "en", Channel: "news/world",
			Headline: fmt.Sprintf("%s story %d", prefix, i), BodyHTML: "<p>Scheduled.</p>"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ed.Transition(ctx, c.chief, "", a.ID, news.Step{Transition: news.TransitionSchedule, At: at}); err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	return ids
}

// publishRows counts the 'publish' change log rows of each of ids.
func (c *newsroomClient) publishRows(t *testing.T, ids []int64) map[int64]int {
	t.Helper()
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	rows, err := c.store.DB().Query(`SELECT article_id FROM change_log WHERE kind = 'publish'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if want[id] {
			out[id]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitPublished polls until every one of ids has a 'publish' row, for at
// most 10 s after the last is due, then lets one more clock poll pass so a
// second publication would show, and checks each has exactly one.
func (c *newsroomClient) waitPublished(t *testing.T, ids []int64, lastDue time.Time) {
	t.Helper()
	deadline := lastDue.Add(10 * time.Second)
	for len(c.publishRows(t, ids)) < len(ids) {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after their time, %d of %d articles are published", len(c.publishRows(t, ids)), len(ids))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("all %d published %v after the last was due", len(ids), time.Since(lastDue).Round(time.Millisecond))
	time.Sleep(1100 * time.Millisecond) // the clock's poll interval
	rows := c.publishRows(t, ids)
	for _, id := range ids {
		if rows[id] != 1 {
			t.Errorf("article %d: %d 'publish' rows in the change log, want exactly 1", id, rows[id])
		}
	}
}

// pageStatus fetches an article's public page from a node.
func (c *newsroomClient) pageStatus(t *testing.T, nd *node, id int64) (int, string) {
	t.Helper()
	a, err := c.store.ArticleByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	path := a.Path(c.loc)
	code, _ := get(t, nd.url+path[1:])
	return code, path
}

// TestClusterPublishClock: two nodes on one PostgreSQL publish each
// scheduled article exactly once, both serve it right after, and when one
// is killed mid-run the other publishes the rest, still once each.
func TestClusterPublishClock(t *testing.T) {
	dbURL := storetest.URL(t, "postgres")
	nodes := startCluster(t, 2, dbURL)
	mustCLI(t, t.TempDir(), regexp.MustCompile(`(?m)^site apply: `), "site", "apply", "--db", dbURL, seedFile(t, "seed-site.json"))
	c := newNewsroomClient(t, dbURL)

	t.Run("each published once, served by both", func(t *testing.T) {
		due := time.Now().Add(3 * time.Second).Truncate(time.Second) // about 2 s ahead, once stored
		at := make([]time.Time, 50)
		for i := range at {
			at[i] = due
		}
		ids := c.schedule(t, "Cluster", at)
		if time.Now().After(due) {
			t.Fatalf("scheduling took until after the due time %v", due)
		}
		for _, nd := range nodes {
			if code, path := c.pageStatus(t, nd, ids[0]); code != 404 {
				t.Errorf("%s: %s before its time: %d, want 404", nd.name, path, code)
			}
		}
		c.waitPublished(t, ids, due)
		for _, id := range ids {
			for _, nd := range nodes {
				if code, path := c.pageStatus(t, nd, id); code != 200 {
					t.Errorf("%s: %s: %d, want 200", nd.name, path, code)
				}
			}
		}
		t.Logf("publications logged: %s %d, %s %d", nodes[0].name, nodes[0].published(), nodes[1].name, nodes[1].published())
	})

	t.Run("kill -9 a node mid-run", func(t *testing.T) {
		// 50 articles due over three seconds; one node dies just after the
		// first fall due, while it may be publishing them.
		first := time.Now().Add(3 * time.Second).Truncate(time.Second)
		at := make([]time.Time, 50)
		for i := range at {
			at[i] = first.Add(time.Duration(i%3) * time.Second)
		}
		ids := c.schedule(t, "Crash", at)
		before := [2]int{nodes[0].published(), nodes[1].published()}
		time.Sleep(time.Until(first.Add(20 * time.Millisecond)))
		nodes[0].kill9(t)
		t.Logf("%s killed %v after the first were due, having published %d of them", nodes[0].name,
			time.Since(first).Round(time.Millisecond), nodes[0].published()-before[0])
		c.waitPublished(t, ids, first.Add(2*time.Second))
		for _, id := range ids {
			if code, path := c.pageStatus(t, nodes[1], id); code != 200 {
				t.Errorf("%s: %s: %d, want 200", nodes[1].name, path, code)
			}
		}
		if nodes[1].published() == before[1] {
			t.Errorf("the surviving node published nothing; the later articles cannot have gone out:\n%s", nodes[1].stderr)
		}
		nodes[1].stop(t)
	})
}

// TestClusterCacheInvalidation: two nodes serve an article from their page
// caches; an article published elsewhere (here, by this test's own
// connection, as a third node would) appears on both nodes' pages, feeds
// and search, and an edit reaches both through LISTEN/NOTIFY, each serving
// the new text right after. The times are logged; bench/ measures them.
func TestClusterCacheInvalidation(t *testing.T) {
	dbURL := storetest.URL(t, "postgres")
	nodes := startCluster(t, 2, dbURL)
	mustCLI(t, t.TempDir(), regexp.MustCompile(`(?m)^site apply: `), "site", "apply", "--db", dbURL, seedFile(t, "seed-site.json"))
	c := newNewsroomClient(t, dbURL)
	ctx := context.Background()
	draft := editorial.Draft{Language: "en", Channel: "news/world", Headline: "Cached story before", BodyHTML: "<p>Before.</p>"}
	a, err := c.ed.Create(ctx, c.chief, "", draft)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = c.ed.Transition(ctx, c.chief, "", a.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
		t.Fatal(err)
	}
	path := a.Path(c.loc)
	fetch := func(nd *node) (string, string) {
		t.Helper()
		res, err := http.Get(nd.url + path[1:])
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.Header.Get("X-Cache"), string(body)
	}
	for _, nd := range nodes {
		fetch(nd)
		deadline := time.Now().Add(10 * time.Second)
		for {
			how, body := fetch(nd)
			if how == "hit" && strings.Contains(body, "Cached story before") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never served the article from its cache (X-Cache %q)", nd.name, how)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// A new article published elsewhere reaches every node's page, feed
	// and search.
	for _, nd := range nodes {
		get(t, nd.url+"en/feed.xml") // cached now, without the new story
	}
	fresh, err := c.ed.Create(ctx, c.chief, "", editorial.Draft{Language: "en", Channel: "news/world",
		Headline: "Turbine halls reopen", BodyHTML: "<p>The turbine halls reopened on Monday.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	published := time.Now()
	if fresh, err = c.ed.Transition(ctx, c.chief, "", fresh.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
		t.Fatal(err)
	}
	for _, nd := range nodes {
		surfaces := map[string]func() bool{
			"page": func() bool { code, _ := get(t, nd.url+fresh.Path(c.loc)[1:]); return code == 200 },
			"feed": func() bool {
				_, body := get(t, nd.url+"en/feed.xml")
				return strings.Contains(body, "Turbine halls reopen")
			},
			"search": func() bool {
				_, body := get(t, nd.url+"en/search?q=turbine+halls")
				return strings.Contains(body, fresh.Path(c.loc))
			},
		}
		for name, ok := range surfaces {
			deadline := time.Now().Add(10 * time.Second)
			for !ok() {
				if time.Now().After(deadline) {
					t.Fatalf("%s: the new article is not in its %s 10 s after publication", nd.name, name)
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("%s: %s shows the new article %v after publication", nd.name, name, time.Since(published).Round(time.Millisecond))
		}
	}

	draft.Headline = "Cached story after"
	edited := time.Now()
	if _, err := c.ed.Save(ctx, c.chief, "", a.ID, a.Version, draft, false); err != nil {
		t.Fatal(err)
	}
	for _, nd := range nodes {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, body := fetch(nd)
			if strings.Contains(body, "Cached story after") {
				t.Logf("%s served the edit %v after it was saved", nd.name, time.Since(edited).Round(time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still serves the old page 10 s after the edit", nd.name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestClusterS3Media: with --media naming an S3-compatible bucket (here an
// in-process gofakes3), a file uploaded through one node is served by
// every node, with no shared folder.
func TestClusterS3Media(t *testing.T) {
	dbURL := storetest.URL(t, "postgres")
	backend := s3mem.New()
	if err := backend.CreateBucket("newsdesk-media"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "cluster")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cluster-secret")
	mediaURL := "s3://newsdesk-media/site?endpoint=" + strings.TrimPrefix(s3.URL, "http://") + "&insecure=1&region=us-east-1"
	nodes := startCluster(t, 2, dbURL, "--media", mediaURL)
	mustCLI(t, t.TempDir(), regexp.MustCompile(`(?m)^site apply: `), "site", "apply", "--db", dbURL, seedFile(t, "seed-site.json"))
	c := newNewsroomClient(t, dbURL)
	// A third writer (the newsroom client) uploads through the library, on
	// the same bucket, as node 1 would.
	files, err := media.OpenS3(context.Background(), mediaURL, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	lib := media.New(c.store, "", slog.New(slog.DiscardHandler))
	lib.Files = files
	png, err := os.ReadFile("../../internal/media/testdata/wide.png")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := lib.Add(context.Background(), c.chief, "", media.Upload{Filename: "wide.png", Body: bytes.NewReader(png), Alt: "A wide picture"})
	if err != nil {
		t.Fatal(err)
	}
	for _, nd := range nodes {
		for _, u := range []string{m.URL(), m.VariantURL(m.Variants[0].Width)} {
			if code, body := get(t, nd.url+u[1:]); code != 200 || !strings.HasPrefix(body, "\x89PNG") {
				t.Errorf("%s: GET %s: %d", nd.name, u, code)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(nodes[0].cmd.Dir, "newsdesk-data", "media")); !os.IsNotExist(err) {
		t.Errorf("a media folder was made though media live in the bucket: %v", err)
	}
}
