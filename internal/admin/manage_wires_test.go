package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// wireFeed is a test agency's RSS feed, served from 127.0.0.1.
func wireFeed(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Test Agency</title><link>https://agency.example/</link>
<item><guid>tw-1</guid><title>Harbour reopens after storm</title><description><![CDATA[<p>The harbour reopened on Monday.</p><script>alert(1)</script>]]></description>
<pubDate>Sun, 29 Nov 2026 10:00:00 +0000</pubDate></item>
<item><guid>tw-2</guid><title>Rail link approved</title><description>The council approved the rail link.</description>
<pubDate>Sun, 29 Nov 2026 11:00:00 +0000</pubDate></item></channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestManageWires(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, ada, _ := mgAdmin(t, dialect)
			feed := wireFeed(t)
			gd := mgChannel(t, n, "news/china/government-dynamic")

			// Bad input: every problem named, nothing stored.
			p := mgSubmit(ada, "/admin/wires", "/admin/wires", mgForm("name", "", "url", "ftp://x", "format", "gopher",
				"channel", "news/nope", "language", "fr", "poll", "abc"))
			mgWant(t, "refused", p, http.StatusUnprocessableEntity, "is required", "must be an http or https URL", `unknown format "gopher"`,
				"is required", `"fr" is not one of the site's languages`, "must be a whole number of minutes")
			if list, _ := n.store.WireSources(ctx); len(list) != 0 {
				t.Fatalf("a refused form stored %d sources", len(list))
			}

			// A good source.
			form := mgForm("name", "Test Agency", "url", feed.URL+"/rss", "format", "rss", "channel", gd.Path, "language", "en",
				"credit", "Test Agency", "poll", "15", "enabled", "on")
			p = mgSubmit(ada, "/admin/wires", "/admin/wires", form)
			mgWant(t, "created", mgRedirected(t, ada, "create", p, "/admin/wires"), http.StatusOK,
				"Wire source Test Agency added", "Test Agency", "review queue", "OK")
			list, _ := n.store.WireSources(ctx)
			if len(list) != 1 || list[0].Poll != 15*time.Minute || list[0].AutoPublish || list[0].ChannelPath != gd.Path {
				t.Fatalf("stored %+v", list)
			}
			w := list[0]
			id := strconv.FormatInt(w.ID, 10)
			if e := mgAudit(t, n, "wire.create"); e.Target != "wire "+id || e.Details["url"] != w.URL {
				t.Errorf("audit %+v", e)
			}
			// The same URL twice is refused.
			p = mgSubmit(ada, "/admin/wires", "/admin/wires", form)
			mgWant(t, "duplicate", p, http.StatusUnprocessableEntity, "another wire source already has this URL")

			// Poll now: the test server is on 127.0.0.1, refused until allowed.
			p = mgSubmit(ada, "/admin/wires", "/admin/wires/"+id+"/poll", nil)
			mgWant(t, "refused poll", mgRedirected(t, ada, "poll", p, "/admin/wires"), http.StatusOK,
				"the poll failed", "address refused", "failing (1 in a row)")
			p = mgSubmit(ada, "/admin/wires", "/admin/wires/allow-list", mgForm("allow", "not a host/name!"))
			mgWant(t, "bad allow-list", p, http.StatusUnprocessableEntity, "is not a host name")
			p = mgSubmit(ada, "/admin/wires", "/admin/wires/allow-list", mgForm("allow", "127.0.0.1\n"))
			mgWant(t, "allow-list", mgRedirected(t, ada, "allow", p, "/admin/wires"), http.StatusOK, "Allow-list saved.")
			p = mgSubmit(ada, "/admin/wires", "/admin/wires/"+id+"/poll", nil)
			mgWant(t, "poll", mgRedirected(t, ada, "poll", p, "/admin/wires"), http.StatusOK,
				"Test Agency polled: import feed: 2 items: 2 created", "OK")
			a, err := n.store.ArticleByURI(ctx, "https://agency.example/#tw-1")
			if err != nil || a.Status != news.StatusInReview || a.Source != "Test Agency" || strings.Contains(a.BodyHTML, "script") {
				t.Errorf("landed article %+v, %v", a, err)
			}
			if w, _ := n.store.WireSource(ctx, w.ID); w.ItemsCount != 2 || w.ErrorCount != 0 {
				t.Errorf("health after poll: %+v", w)
			}

			// Edit: straight out, every 30 minutes.
			edit := mgForm("name", "Test Agency", "url", feed.URL+"/rss", "format", "rss", "channel", gd.Path, "language", "en",
				"credit", "TA", "poll", "30", "auto_publish", "on", "enabled", "on")
			p = mgSubmit(ada, "/admin/wires/"+id, "/admin/wires/"+id, edit)
			mgWant(t, "saved", mgRedirected(t, ada, "save", p, "/admin/wires"), http.StatusOK, "Wire source Test Agency saved.", "published")
			if w, _ := n.store.WireSource(ctx, w.ID); !w.AutoPublish || w.Poll != 30*time.Minute || w.Credit != "TA" {
				t.Errorf("edited %+v", w)
			}

			// A chief editor manages sources but not the allow-list; an
			// editor sees neither.
			n.addUser(t, "chief@example.org", "Chief", news.Grant{Role: news.RoleChiefEditor})
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
			chief := n.browser(t)
			chief.signIn("chief@example.org")
			p = chief.get("/admin/wires")
			mgWant(t, "chief", p, http.StatusOK, "Test Agency", "Poll now")
			if strings.Contains(p.body, "allow-list") {
				t.Error("a chief editor sees the allow-list form")
			}
			if p := mgSubmit(chief, "/admin/wires", "/admin/wires/allow-list", mgForm("allow", "10.0.0.0/8")); p.status != http.StatusForbidden {
				t.Errorf("chief editor edits the allow-list: %d", p.status)
			}
			ed := n.browser(t)
			ed.signIn("ed@example.org")
			if p := ed.get("/admin/wires"); p.status != http.StatusForbidden {
				t.Errorf("editor sees /admin/wires: %d", p.status)
			}

			// A channel a source files into cannot be deleted.
			ch := mgSubmit(ada, "/admin/channels", "/admin/channels", mgForm("parent", strconv.FormatInt(gd.ParentID, 10), "slug", "wires-only", "name_en", "Wires only"))
			if ch.status != http.StatusSeeOther {
				t.Fatalf("create channel: %d", ch.status)
			}
			only := mgChannel(t, n, "news/china/wires-only")
			mgSubmit(ada, "/admin/wires/"+id, "/admin/wires/"+id, mgForm("name", "Test Agency", "url", feed.URL+"/rss", "format", "rss",
				"channel", only.Path, "language", "en", "poll", "30", "enabled", "on"))
			p = mgSubmit(ada, "/admin/channels", "/admin/channels/"+strconv.FormatInt(only.ID, 10)+"/delete", nil)
			mgWant(t, "channel in use", p, http.StatusUnprocessableEntity, "1 wire sources file their items into it")

			// Delete: the source goes, its articles stay.
			p = mgSubmit(ada, "/admin/wires/"+id, "/admin/wires/"+id+"/delete", nil)
			mgWant(t, "deleted", mgRedirected(t, ada, "delete", p, "/admin/wires"), http.StatusOK, "removed", "No wire sources yet.")
			if _, err := n.store.ArticleByURI(ctx, "https://agency.example/#tw-1"); err != nil {
				t.Errorf("article gone with its source: %v", err)
			}
			if p := ada.get("/admin/wires/" + id); p.status != http.StatusNotFound {
				t.Errorf("deleted source page: %d", p.status)
			}
		})
	}
}

// TestWiresValidHTML checks the wire pages, as shown and as re-shown with
// problems, with the Nu HTML Checker (NEWSDESK_VNU_JAR, as
// TestManagePagesValidHTML).
func TestWiresValidHTML(t *testing.T) {
	jar := os.Getenv("NEWSDESK_VNU_JAR")
	if jar == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("NEWSDESK_VNU_JAR is not set: CI=true, HTML validation must run")
		}
		t.Skip("!!! SKIPPING wire page HTML validation: NEWSDESK_VNU_JAR is not set (run scripts/test)")
	}
	n, b, _ := mgAdmin(t, "sqlite")
	feed := wireFeed(t)
	form := mgForm("name", "Test Agency", "url", feed.URL+"/rss", "format", "rss", "channel", "news/china/government-dynamic",
		"language", "en", "credit", "TA", "poll", "5", "enabled", "on")
	mgSubmit(b, "/admin/wires", "/admin/wires", form)
	list, _ := n.store.WireSources(context.Background())
	if len(list) != 1 {
		t.Fatalf("%d sources", len(list))
	}
	id := strconv.FormatInt(list[0].ID, 10)
	mgSubmit(b, "/admin/wires", "/admin/wires/"+id+"/poll", nil) // refused: an error to show
	dir := t.TempDir()
	source := map[string]string{}
	var files []string
	keep := func(name string, p page, status int) {
		t.Helper()
		if p.status != status {
			t.Fatalf("%s: status %d, want %d\n%s", name, p.status, status, p.body)
		}
		file := filepath.Join(dir, name+".html")
		if err := os.WriteFile(file, []byte(p.body), 0o644); err != nil {
			t.Fatal(err)
		}
		source[name+".html"] = name
		files = append(files, file)
	}
	for _, lang := range []string{"en", "zh"} {
		b.get("/admin/lang/" + lang)
		keep(lang+"-wires", b.get("/admin/wires"), http.StatusOK)
		keep(lang+"-wire", b.get("/admin/wires/"+id), http.StatusOK)
	}
	keep("wires-refused", mgSubmit(b, "/admin/wires", "/admin/wires", mgForm("name", "", "url", "x", "poll", "0")), http.StatusUnprocessableEntity)
	keep("allow-refused", mgSubmit(b, "/admin/wires", "/admin/wires/allow-list", mgForm("allow", "a b/c")), http.StatusUnprocessableEntity)
	keep("wire-refused", mgSubmit(b, "/admin/wires/"+id, "/admin/wires/"+id, mgForm("name", "x", "url", "", "poll", "99999")), http.StatusUnprocessableEntity)
	checkHTMLFiles(t, jar, files, source)
}
