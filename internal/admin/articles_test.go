package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/admin"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// The article tests share these helpers; their names start with "ar".

// arForm is a complete editor form; kv overrides or adds fields.
func arForm(headline, channel, lang, body string, kv ...string) url.Values {
	f := url.Values{"headline": {headline}, "channel": {channel}, "language": {lang}, "body": {body},
		"subheading": {""}, "slug": {""}, "summary": {""}, "byline": {""}, "source": {""}, "editor": {""}, "tags": {""}, "embargo": {""}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

var arLocation = regexp.MustCompile(`^/admin/articles/(\d+)$`)

// arCreate writes a new article through the form and returns its id.
func arCreate(t *testing.T, b *browser, form url.Values) int64 {
	t.Helper()
	p := mgSubmit(b, "/admin/articles/new", "/admin/articles", form)
	m := arLocation.FindStringSubmatch(p.location)
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("create %q: %d → %q\n%s", form.Get("headline"), p.status, p.location, p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func arArticle(t *testing.T, n *newsroom, id int64) news.Article {
	t.Helper()
	a, err := n.store.ArticleByID(context.Background(), id)
	if err != nil {
		t.Fatalf("article %d: %v", id, err)
	}
	return a
}

// arFormOf is the editor form of the stored article with kv changed, as
// the edit page would submit it.
func arFormOf(a news.Article, kv ...string) url.Values {
	f := arForm(a.Headline, a.ChannelPath, a.Language, a.BodyHTML, "subheading", a.Subheading, "slug", a.Slug,
		"summary", a.Summary, "byline", a.Byline, "source", a.Source, "editor", a.Editor, "tags", strings.Join(a.Tags, ", "),
		"version", strconv.FormatInt(a.Version, 10))
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// arSave saves the article through its edit page and expects success.
func arSave(t *testing.T, b *browser, n *newsroom, id int64, kv ...string) news.Article {
	t.Helper()
	a := arArticle(t, n, id)
	path := fmt.Sprintf("/admin/articles/%d", id)
	p := mgSubmit(b, path, path, arFormOf(a, kv...))
	if p.status != http.StatusSeeOther || p.location != path {
		t.Fatalf("save article %d: %d → %q\n%s", id, p.status, p.location, p.body)
	}
	return arArticle(t, n, id)
}

// arTransition asks for a workflow step through the edit page's form.
func arTransition(b *browser, id int64, transition string, kv ...string) page {
	b.t.Helper()
	path := fmt.Sprintf("/admin/articles/%d", id)
	return mgSubmit(b, path, path+"/transition", mgForm(append([]string{"transition", transition}, kv...)...))
}

// arJSON posts a form as the editor's script does and decodes the answer.
func arJSON(t *testing.T, b *browser, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	p := b.sendForm(path, form.Encode(), map[string]string{"Origin": b.base, "Sec-Fetch-Site": "same-origin", "Accept": "application/json"})
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("POST %s: %d with Content-Type %q, want JSON\n%s", path, p.status, ct, p.body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(p.body), &v); err != nil {
		t.Fatalf("POST %s: %v\n%s", path, err, p.body)
	}
	return p.status, v
}

func arAuditCount(t *testing.T, n *newsroom, action string) int {
	t.Helper()
	list, err := n.store.AuditEntries(context.Background(), store.AuditQuery{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func arRequireApproval(t *testing.T, n *newsroom, path string) {
	t.Helper()
	c := mgChannel(t, n, path)
	c.RequiresApproval = true
	if _, _, err := n.store.UpsertChannel(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// TestArticleCreateEditConflict writes an article, saves it, and has a
// second editor save over a version they did not see: they get the
// conflict page with their text, and nothing is overwritten.
func TestArticleCreateEditConflict(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			n.addUser(t, "eve@example.org", "Eve", news.Grant{Role: news.RoleEditor, Channel: "news/china"})
			ed, eve := n.browser(t), n.browser(t)
			ed.signIn("ed@example.org")
			eve.signIn("eve@example.org")

			mgWant(t, "new article form", ed.get("/admin/articles/new"), http.StatusOK,
				`<form id="article-form" method="post" action="/admin/articles">`, `<textarea id="body" name="body"`,
				`<div id="autosave-status" role="status" aria-live="polite"></div>`, `<label for="embargo">Embargo until</label>`,
				"Asia/Shanghai", "Leave it empty to derive it from the headline")
			if strings.Contains(ed.last, "data-autosave-url") {
				t.Error("the new-article form has an autosave URL")
			}

			// Refused: no headline, an embargo that is no time.
			p := mgSubmit(ed, "/admin/articles/new", "/admin/articles", arForm(" ", "news/china/industry", "en", "<p>x</p>", "embargo", "soon"))
			mgWant(t, "create refused", p, http.StatusUnprocessableEntity, "is empty", `"soon" is not a date and time`)

			id := arCreate(t, ed, arForm("Grid upgrade reaches villages", "news/china/industry", "en",
				`<p>The first <b>villages</b> are connected.</p><script>alert(1)</script>`, "tags", "grid, rural", "embargo", "2026-12-01T08:00"))
			a := arArticle(t, n, id)
			if a.Status != news.StatusDraft || a.Version != 1 || a.Slug != "grid-upgrade-reaches-villages" || strings.Contains(a.BodyHTML, "script") {
				t.Errorf("created: %+v", a)
			}
			if want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC); !a.EmbargoUntil.Equal(want) {
				t.Errorf("embargo %v, want %v (08:00 in Asia/Shanghai)", a.EmbargoUntil, want)
			}
			if strings.Join(a.Tags, ",") != "grid,rural" {
				t.Errorf("tags %q", a.Tags)
			}
			edit := fmt.Sprintf("/admin/articles/%d", id)
			mgWant(t, "edit page", ed.get(edit), http.StatusOK, "The article was created as a draft.",
				fmt.Sprintf(`<form id="article-form" method="post" action="%s" data-autosave-url="%s/autosave">`, edit, edit),
				`<input type="hidden" name="version" value="1">`, `<textarea id="body" name="body" rows="20"`,
				"The first <b>villages</b> are connected.", `value="2026-12-01T08:00"`, `value="grid, rural"`,
				edit+"/revisions", edit+"/preview", "Submit for review")

			// A save bumps the version.
			a = arSave(t, ed, n, id, "body", "<p>Ed's second version.</p>")
			if a.Version != 2 || a.BodyHTML != "<p>Ed&#39;s second version.</p>" && a.BodyHTML != "<p>Ed's second version.</p>" {
				t.Errorf("after save: version %d body %q", a.Version, a.BodyHTML)
			}
			mgWant(t, "after save", ed.get(edit), http.StatusOK, "Saved as version 2.", `name="version" value="2"`)

			// Eve opens version 2; Ed saves version 3; Eve saves from 2.
			mgWant(t, "Eve opens", eve.get(edit), http.StatusOK, `name="version" value="2"`)
			arSave(t, ed, n, id, "body", "<p>Ed's third version.</p>")
			evesForm := arFormOf(a, "headline", "Eve's better headline", "body", "<p>Eve's unsaved paragraph.</p>", "version", "2")
			p = eve.post(edit, evesForm)
			mgWant(t, "conflict", p, http.StatusConflict, "Not saved: someone else saved first",
				"Ed saved this article (version 3) after you opened it", "Eve's unsaved paragraph.", "Eve's better headline",
				"Ed's third version.", "Save my text over version 3", `<input type="hidden" name="version" value="3">`,
				fmt.Sprintf(`<form method="get" action="%s">`, edit))
			if got := arArticle(t, n, id); got.Version != 3 || !strings.Contains(got.BodyHTML, "third") || got.Headline != "Grid upgrade reaches villages" {
				t.Errorf("the conflicting save changed the article: %+v", got)
			}

			// Refused saves keep what was typed.
			p = mgSubmit(ed, edit, edit, arFormOf(arArticle(t, n, id), "headline", "", "body", "<p>kept text</p>"))
			mgWant(t, "save refused", p, http.StatusUnprocessableEntity, "is empty", "kept text", `name="version" value="3"`)
			if got := arArticle(t, n, id); got.Version != 3 {
				t.Errorf("a refused save changed the version to %d", got.Version)
			}

			if e := mgAudit(t, n, "article.create"); e.Actor != "ed@example.org" || e.Target != fmt.Sprintf("article %d", id) {
				t.Errorf("create audit: %+v", e)
			}
			if e := mgAudit(t, n, "article.save"); e.Details["version"] != "3" {
				t.Errorf("save audit: %+v", e)
			}
			if got := arAuditCount(t, n, "article.save"); got != 2 {
				t.Errorf("%d save audit entries, want 2", got)
			}
		})
	}
}

// TestArticleAutosave is the JSON contract with the editor's script.
func TestArticleAutosave(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			b := n.browser(t)
			b.signIn("ed@example.org")
			id := arCreate(t, b, arForm("Autosaved story", "news/world", "en", "<p>one</p>"))
			path := fmt.Sprintf("/admin/articles/%d/autosave", id)
			b.get(fmt.Sprintf("/admin/articles/%d", id))
			token := b.csrf()

			form := arFormOf(arArticle(t, n, id), "body", "<p>one two</p>", "csrf", token)
			status, v := arJSON(t, b, path, form)
			if status != http.StatusOK || v["version"] != float64(2) {
				t.Fatalf("autosave: %d %v", status, v)
			}
			if at, err := time.Parse(time.RFC3339, fmt.Sprint(v["saved_at"])); err != nil || !at.Equal(n.clock.Now()) {
				t.Errorf("saved_at %v (%v), want %v", v["saved_at"], err, n.clock.Now())
			}
			revs, err := n.store.Revisions(context.Background(), id)
			if err != nil || len(revs) != 2 || !revs[0].Autosave || revs[0].BodyHTML != "<p>one two</p>" {
				t.Fatalf("revisions after autosave: %v %+v", err, revs)
			}
			if got := arAuditCount(t, n, "article.save"); got != 0 {
				t.Errorf("an autosave wrote %d audit entries", got)
			}

			// Again from version 1: someone (Ed himself) saved since.
			form.Set("version", "1")
			status, v = arJSON(t, b, path, form)
			if status != http.StatusConflict || v["version"] != float64(2) || v["by"] != "Ed" || v["error"] == "" {
				t.Errorf("stale autosave: %d %v", status, v)
			}
			form.Set("version", "2")
			form.Set("headline", "")
			status, v = arJSON(t, b, path, form)
			if errs, _ := v["errors"].(map[string]any); status != http.StatusUnprocessableEntity || errs["headline"] == nil {
				t.Errorf("invalid autosave: %d %v", status, v)
			}
			form.Set("headline", "Autosaved story")
			form.Set("csrf", "wrong")
			if status, v = arJSON(t, b, path, form); status != http.StatusForbidden || !strings.Contains(fmt.Sprint(v["error"]), "form token") {
				t.Errorf("autosave with a wrong token: %d %v", status, v)
			}

			// Signed out (the session ended, or never began): 401 in JSON,
			// not a redirect to the sign-in page.
			form.Set("csrf", token)
			b.post("/admin/logout", url.Values{"csrf": {token}})
			if status, v = arJSON(t, b, path, form); status != http.StatusUnauthorized || v["error"] != "signed out" {
				t.Errorf("signed-out autosave: %d %v", status, v)
			}
			stranger := n.browser(t)
			if status, v = arJSON(t, stranger, path, url.Values{"version": {"2"}, "body": {"x"}}); status != http.StatusUnauthorized || v["error"] != "signed out" {
				t.Errorf("autosave without a session: %d %v", status, v)
			}
			if got := arArticle(t, n, id); got.Version != 2 {
				t.Errorf("refused autosaves changed the article to version %d", got.Version)
			}
		})
	}
}

// TestArticleContributor: contributors write their own drafts in their
// channels, and nothing more.
func TestArticleContributor(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "cora@example.org", "Cora", news.Grant{Role: news.RoleContributor, Channel: "news/china"})
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			cora, ed := n.browser(t), n.browser(t)
			cora.signIn("cora@example.org")
			ed.signIn("ed@example.org")

			p := cora.get("/admin/articles/new")
			mgWant(t, "contributor's new form", p, http.StatusOK, `<option value="news/china/industry">`, `<option value="news/china">`)
			if strings.Contains(p.body, `<option value="news/world">`) {
				t.Error("a contributor on news/china is offered news/world")
			}
			if p := mgSubmit(cora, "/admin/articles/new", "/admin/articles", arForm("Elsewhere", "news/world", "en", "<p>x</p>")); p.status != http.StatusForbidden {
				t.Errorf("contributor creating outside their channel: %d", p.status)
			}
			mine := arCreate(t, cora, arForm("Cora's coal report", "news/china/industry", "en", "<p>Coal.</p>"))
			eds := arCreate(t, ed, arForm("Ed's grid report", "news/china/industry", "en", "<p>Grid.</p>"))

			edPage := fmt.Sprintf("/admin/articles/%d", eds)
			for _, path := range []string{edPage, edPage + "/revisions", edPage + "/preview", "/admin/articles/1"} {
				if p := cora.get(path); p.status != http.StatusForbidden {
					t.Errorf("contributor GET %s: %d, want 403", path, p.status)
				}
			}
			cora.get("/admin/articles")
			token := cora.csrf()
			if p := cora.post(edPage, arFormOf(arArticle(t, n, eds), "headline", "Taken over", "csrf", token)); p.status != http.StatusForbidden {
				t.Errorf("contributor saving another's article: %d", p.status)
			}
			if p := cora.post(edPage+"/transition", mgForm("csrf", token, "transition", "submit")); p.status != http.StatusForbidden {
				t.Errorf("contributor submitting another's article: %d", p.status)
			}
			if got := arArticle(t, n, eds); got.Headline != "Ed's grid report" || got.Status != news.StatusDraft {
				t.Errorf("Ed's article changed: %+v", got)
			}

			list := cora.get("/admin/articles")
			mgWant(t, "contributor's list", list, http.StatusOK, "Cora's coal report", "draft")
			if strings.Contains(html.UnescapeString(list.body), "Ed's grid report") || strings.Contains(list.body, "Xi meets") {
				t.Error("the contributor's list shows articles they cannot edit")
			}

			// Her own: submit, not publish.
			minePage := fmt.Sprintf("/admin/articles/%d", mine)
			p = cora.get(minePage)
			mgWant(t, "contributor's edit page", p, http.StatusOK, "Submit for review")
			if strings.Contains(p.body, "Publish now") || strings.Contains(p.body, ">Schedule<") {
				t.Error("the contributor is offered to publish")
			}
			p = arTransition(cora, mine, "publish")
			mgWant(t, "contributor publishing", p, http.StatusUnprocessableEntity, "cannot publish an article that is draft: your role does not allow it")
			if got := arArticle(t, n, mine); got.Status != news.StatusDraft {
				t.Errorf("contributor published: %s", got.Status)
			}
			mgRedirected(t, cora, "submit", arTransition(cora, mine, "submit"), minePage)
			if got := arArticle(t, n, mine); got.Status != news.StatusInReview {
				t.Errorf("after submit: %s", got.Status)
			}
			if e := mgAudit(t, n, "article.submit"); e.Actor != "cora@example.org" {
				t.Errorf("submit audit: %+v", e)
			}
		})
	}
}

// TestArticleWorkflow walks the review workflow through the transition
// forms in a channel that requires approval, then schedules, corrects and
// retracts.
func TestArticleWorkflow(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			arRequireApproval(t, n, "news/world")
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			n.addUser(t, "cleo@example.org", "Cleo", news.Grant{Role: news.RoleChiefEditor, Channel: "news"})
			n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
			ed, cleo, dan := n.browser(t), n.browser(t), n.browser(t)
			ed.signIn("ed@example.org")
			cleo.signIn("cleo@example.org")
			dan.signIn("dan@example.org")

			id := arCreate(t, ed, arForm("Summit opens in Geneva", "news/world", "en", "<p>Delegates arrived.</p>"))
			edit := fmt.Sprintf("/admin/articles/%d", id)
			p := ed.get(edit)
			mgWant(t, "editor's page", p, http.StatusOK, "Submit for review", "Nothing is published here until a chief editor other than its last writer approves it")
			if strings.Contains(p.body, "Publish now") {
				t.Error("an editor is offered to publish")
			}
			p = mgRedirected(t, ed, "submit", arTransition(ed, id, "submit"), edit)
			mgWant(t, "after submit", p, http.StatusOK, "Done. The article is now in review.")

			mgWant(t, "Cleo's dashboard", cleo.get("/admin/"), http.StatusOK, "Waiting for review", "Summit opens in Geneva")
			mgWant(t, "in-review filter", cleo.get("/admin/articles?status=in-review"), http.StatusOK, "Summit opens in Geneva")
			if p := ed.get("/admin/"); strings.Contains(p.body, `Summit opens in Geneva`) {
				t.Error("the editor's dashboard lists the article as waiting for his review")
			}

			// Cleo edits it, so she may not approve it herself.
			arSave(t, cleo, n, id, "body", "<p>Delegates arrived on Monday.</p>")
			p = cleo.get(edit)
			if strings.Contains(p.body, ">Approve</button>") || strings.Contains(p.body, "Publish now") {
				t.Error("the last writer is offered to approve or publish")
			}
			p = arTransition(cleo, id, "approve")
			mgWant(t, "last writer approving", p, http.StatusUnprocessableEntity,
				"this channel requires approval by a chief editor other than the article's last writer")
			if got := arArticle(t, n, id); got.Status != news.StatusInReview {
				t.Fatalf("after a refused approval: %s", got.Status)
			}

			p = dan.get(edit)
			mgWant(t, "Dan's page", p, http.StatusOK, ">Approve</button>", "Send back to draft")
			mgRedirected(t, dan, "approve", arTransition(dan, id, "approve"), edit)
			if got := arArticle(t, n, id); got.Status != news.StatusApproved {
				t.Fatalf("after approval: %s", got.Status)
			}
			p = mgRedirected(t, dan, "publish", arTransition(dan, id, "publish"), edit)
			a := arArticle(t, n, id)
			if a.Status != news.StatusPublished || !a.ReleaseAt.Equal(n.clock.Now()) {
				t.Fatalf("after publish: %s at %v", a.Status, a.ReleaseAt)
			}
			public := "/en/news/world/2026/11/29/summit-opens-in-geneva/"
			mgWant(t, "published page", p, http.StatusOK, "Done. The article is now published.", `<a href="`+public+`">Public page</a>`)
			mgWant(t, "the public article", mgPublic(t, n, public), http.StatusOK, "Summit opens in Geneva")
			for _, action := range []string{"article.submit", "article.approve", "article.publish"} {
				if e := mgAudit(t, n, action); e.Target != fmt.Sprintf("article %d", id) {
					t.Errorf("%s audit: %+v", action, e)
				}
			}
			if e := mgAudit(t, n, "article.approve"); e.Actor != "dan@example.org" || e.Details["from"] != "in-review" || e.Details["to"] != "approved" {
				t.Errorf("approve audit: %+v", e)
			}

			// Live: the editor may no longer change it.
			p = ed.get(edit)
			mgWant(t, "editor on a live article", p, http.StatusOK, "Readers can see this article: only a chief editor")
			if strings.Contains(p.body, "data-autosave-url") {
				t.Error("a locked article offers autosave")
			}

			// Corrected, then retracted with a note.
			p = arTransition(dan, id, "correct", "note", "")
			mgWant(t, "correction without a note", p, http.StatusUnprocessableEntity, "a correction needs a note")
			mgRedirected(t, dan, "correct", arTransition(dan, id, "correct", "note", "The summit opened on Monday, not Sunday."), edit)
			if a := arArticle(t, n, id); len(a.Corrections) != 1 || a.Corrections[0].Note != "The summit opened on Monday, not Sunday." {
				t.Errorf("corrections: %+v", a.Corrections)
			}
			mgWant(t, "corrected page", dan.get(edit), http.StatusOK, "The summit opened on Monday, not Sunday.")
			p = arTransition(dan, id, "retract", "note", "  ")
			mgWant(t, "retraction without a note", p, http.StatusUnprocessableEntity, "a retraction needs a note saying why")
			mgRedirected(t, dan, "retract", arTransition(dan, id, "retract", "note", "The summit was postponed."), edit)
			if a := arArticle(t, n, id); a.Status != news.StatusRetracted || a.RetractionNote != "The summit was postponed." {
				t.Errorf("after retraction: %s %q", a.Status, a.RetractionNote)
			}
			if e := mgAudit(t, n, "article.retract"); e.Details["note"] != "The summit was postponed." || e.Actor != "dan@example.org" {
				t.Errorf("retract audit: %+v", e)
			}
			if e := mgAudit(t, n, "article.correct"); e.Details["note"] == "" {
				t.Errorf("correct audit: %+v", e)
			}

			// Scheduled in the site's time zone, where no approval is needed.
			id2 := arCreate(t, cleo, arForm("Tariff notice", "news/china/industry", "en", "<p>New tariffs.</p>"))
			edit2 := fmt.Sprintf("/admin/articles/%d", id2)
			p = cleo.get(edit2)
			mgWant(t, "schedule form", p, http.StatusOK, `<label for="tr-schedule-at">Release at</label>`, `type="datetime-local"`, "Publish now")
			p = arTransition(cleo, id2, "schedule", "at", "2026-11-29T19:00") // 11:00 UTC: an hour ago
			mgWant(t, "schedule in the past", p, http.StatusUnprocessableEntity, "is not in the future")
			p = mgRedirected(t, cleo, "schedule", arTransition(cleo, id2, "schedule", "at", "2026-11-30T09:00"), edit2)
			mgWant(t, "scheduled page", p, http.StatusOK, "The article is now scheduled.", "It will be released at 2026-11-30 09:00.")
			a2 := arArticle(t, n, id2)
			if want := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC); a2.Status != news.StatusScheduled || !a2.ReleaseAt.Equal(want) {
				t.Errorf("scheduled: %s at %v, want %v", a2.Status, a2.ReleaseAt, want)
			}
			mgWant(t, "dashboard scheduled", cleo.get("/admin/"), http.StatusOK, "Scheduled", "2026-11-30 09:00", "Tariff notice")
			if e := mgAudit(t, n, "article.schedule"); e.Details["release"] != "2026-11-30T01:00:00Z" {
				t.Errorf("schedule audit: %+v", e)
			}
			if p := mgPublic(t, n, "/en/news/china/industry/2026/11/30/tariff-notice/"); p.status != http.StatusNotFound {
				t.Errorf("a scheduled article is public before its time: %d", p.status)
			}
		})
	}
}

// TestArticleRevisions lists every save, compares two (by word in English,
// by character in Chinese) and restores an old one as a new version.
func TestArticleRevisions(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			b := n.browser(t)
			b.signIn("ed@example.org")
			ctx := context.Background()

			id := arCreate(t, b, arForm("Wind farms", "news/world", "en", "<p>The quick brown fox jumps.</p>"))
			arSave(t, b, n, id, "body", "<p>The slow brown fox jumps.</p>")
			b.get(fmt.Sprintf("/admin/articles/%d", id))
			if status, v := arJSON(t, b, fmt.Sprintf("/admin/articles/%d/autosave", id), arFormOf(arArticle(t, n, id), "body", "<p>The slow brown fox jumps high.</p>", "csrf", b.csrf())); status != http.StatusOK {
				t.Fatalf("autosave: %d %v", status, v)
			}
			revs, err := n.store.Revisions(ctx, id)
			if err != nil || len(revs) != 3 {
				t.Fatalf("revisions: %v %d", err, len(revs))
			}
			list := fmt.Sprintf("/admin/articles/%d/revisions", id)
			p := b.get(list)
			mgWant(t, "revisions", p, http.StatusOK, "Revisions: Wind farms", "autosave", ">save<", "Ed",
				fmt.Sprintf(`id="rev-a-%d"`, revs[1].ID), fmt.Sprintf(`id="rev-b-%d"`, revs[0].ID), "Compare from version 1", "Restore")
			if c := strings.Count(p.body, `name="a"`); c != 3 {
				t.Errorf("%d revisions listed, want 3", c)
			}

			p = b.get(fmt.Sprintf("%s?a=%d&b=%d", list, revs[2].ID, revs[1].ID))
			mgWant(t, "English diff", p, http.StatusOK, "Compared word by word.", "From version 1")
			if !strings.Contains(p.body, "<del>quick</del><ins>slow</ins>") {
				t.Errorf("English diff is not by word:\n%s", p.body)
			}
			p = b.get(fmt.Sprintf("%s?a=%d&b=%d", list, revs[1].ID, revs[0].ID))
			if !strings.Contains(p.body, "jumps<ins> high.</ins>") && !strings.Contains(p.body, "<del>jumps.</del><ins>jumps high.</ins>") {
				t.Errorf("autosave diff:\n%s", p.body)
			}
			if p := b.get(list + "?a=999999&b=1"); p.status != http.StatusNotFound {
				t.Errorf("diff with an unknown revision: %d", p.status)
			}

			// Restoring version 1 saves its text as version 4.
			p = mgRedirected(t, b, "restore", mgSubmit(b, list, fmt.Sprintf("%s/%d/restore", list, revs[2].ID), nil), list)
			mgWant(t, "after restore", p, http.StatusOK, "The text of version 1 was restored as version 4.")
			if a := arArticle(t, n, id); a.Version != 4 || a.BodyHTML != "<p>The quick brown fox jumps.</p>" {
				t.Errorf("restored: version %d body %q", a.Version, a.BodyHTML)
			}
			if revs, _ := n.store.Revisions(ctx, id); len(revs) != 4 || revs[0].Autosave {
				t.Errorf("after restore %d revisions", len(revs))
			}
			if e := mgAudit(t, n, "article.restore"); e.Details["from_version"] != "1" || e.Details["version"] != "4" {
				t.Errorf("restore audit: %+v", e)
			}

			// Chinese: character by character.
			zh := arCreate(t, b, arForm("国家能源局发布通知", "news/china/industry", "zh", "<p>今年冬季供暖保障有力。</p>"))
			arSave(t, b, n, zh, "headline", "国家能源局公布通知", "body", "<p>今年冬季供暖保障充足有力。</p>")
			zrevs, _ := n.store.Revisions(ctx, zh)
			p = b.get(fmt.Sprintf("/admin/articles/%d/revisions?a=%d&b=%d", zh, zrevs[1].ID, zrevs[0].ID))
			mgWant(t, "Chinese diff", p, http.StatusOK, "Compared character by character.")
			for _, want := range []string{"国家能源局<del>发</del><ins>公</ins>布通知", "保障<ins>充足</ins>有力"} {
				if !strings.Contains(p.body, want) {
					t.Errorf("Chinese diff lacks %s:\n%s", want, p.body)
				}
			}
		})
	}
}

// TestArticlePreview: a preview is for those who may edit the article,
// never indexed or cached; without the public site it is 501.
func TestArticlePreview(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
	n.addUser(t, "cora@example.org", "Cora", news.Grant{Role: news.RoleContributor, Channel: "news"})
	b := n.browser(t)
	b.signIn("ed@example.org")
	id := arCreate(t, b, arForm("Draft to preview", "news/world", "en", "<p>Not yet public.</p>"))
	path := fmt.Sprintf("/admin/articles/%d/preview", id)
	mgWant(t, "preview without the portal", b.get(path), http.StatusNotImplemented, "previews need the public site")

	var previewed []int64
	nr, err := admin.New(admin.Options{Store: n.store, Accounts: n.accounts, Now: n.clock.Now, Editorial: n.editorial,
		Preview: func(w http.ResponseWriter, r *http.Request, a news.Article) error {
			previewed = append(previewed, a.ID)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, err := fmt.Fprintf(w, "<h1>%s</h1>%s", html.EscapeString(a.Headline), a.BodyHTML)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(nr)
	t.Cleanup(ts.Close)
	withPortal := func(email string) *browser {
		b := n.browser(t)
		b.base = ts.URL
		b.signIn(email)
		return b
	}
	p := withPortal("ed@example.org").get(path)
	mgWant(t, "preview", p, http.StatusOK, "<h1>Draft to preview</h1><p>Not yet public.</p>")
	if !strings.Contains(p.header.Get("X-Robots-Tag"), "noindex") || p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("preview headers: X-Robots-Tag %q, Cache-Control %q", p.header.Get("X-Robots-Tag"), p.header.Get("Cache-Control"))
	}
	if p := withPortal("cora@example.org").get(path); p.status != http.StatusForbidden {
		t.Errorf("preview by a contributor who did not write it: %d", p.status)
	}
	if len(previewed) != 1 || previewed[0] != id {
		t.Errorf("previewed %v", previewed)
	}

	// With the portal's own preview, as `newsdesk serve` wires it.
	portal, err := site.New(site.Options{Store: n.store, Now: n.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	wired, err := admin.New(admin.Options{Store: n.store, Accounts: n.accounts, Now: n.clock.Now, Editorial: n.editorial, Preview: portal.Preview})
	if err != nil {
		t.Fatal(err)
	}
	rs := httptest.NewServer(wired)
	t.Cleanup(rs.Close)
	rb := n.browser(t)
	rb.base = rs.URL
	rb.signIn("ed@example.org")
	p = rb.get(path)
	mgWant(t, "the portal's preview", p, http.StatusOK, "Draft to preview", "Not yet public.")
	if !strings.Contains(p.header.Get("X-Robots-Tag"), "noindex") || p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the portal's preview headers: X-Robots-Tag %q, Cache-Control %q", p.header.Get("X-Robots-Tag"), p.header.Get("Cache-Control"))
	}
}

// TestArticleListFilters filters the list by status, author, channel and
// language, and pages it.
func TestArticleListFilters(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
	b := n.browser(t)
	b.signIn("dan@example.org")
	arCreate(t, b, arForm("Dan's world draft", "news/world", "en", "<p>x</p>"))
	arCreate(t, b, arForm("丹的政策草稿", "policies", "zh", "<p>x</p>"))

	all := b.get("/admin/articles")
	mgWant(t, "all", all, http.StatusOK, "Dan's world draft", "丹的政策草稿", "Xi meets with Belarusian President Lukashenko",
		`<option value="in-review">in review</option>`, `<option value="canceled">canceled</option>`, "New article")
	for _, c := range []struct {
		query      string
		want, not  string
		wantStatus int
	}{
		{"?mine=1", "Dan's world draft", "Xi meets", 200},
		{"?status=published", "Xi meets", "Dan's world draft", 200},
		{"?channel=policies", "丹的政策草稿", "Dan's world draft", 200},
		{"?language=zh&mine=1", "丹的政策草稿", "Dan's world draft", 200},
		{"?status=draft&channel=news", "Dan's world draft", "丹的政策草稿", 200},
		{"?status=retracted", "No article you can edit matches these filters.", "Dan's world draft", 200},
	} {
		p := b.get("/admin/articles" + c.query)
		mgWant(t, "list "+c.query, p, c.wantStatus, c.want)
		if strings.Contains(html.UnescapeString(p.body), c.not) {
			t.Errorf("list %s shows %q", c.query, c.not)
		}
	}
	mgWant(t, "list in Chinese", func() page { b.get("/admin/lang/zh"); return b.get("/admin/articles") }(), http.StatusOK,
		"<h1>文章</h1>", "草稿", "全部状态")
}

// TestArticleListSearch: the newsroom's search finds words in the text of
// articles in any status, only where the user may edit them, and keeps the
// other filters.
func TestArticleListSearch(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
			n.addUser(t, "cora@example.org", "Cora", news.Grant{Role: news.RoleContributor, Channel: "news/world"})
			chief, contrib := n.browser(t), n.browser(t)
			chief.signIn("dan@example.org")
			contrib.signIn("cora@example.org")
			arCreate(t, chief, arForm("Grid bulletin", "news/world", "en", "<p>The turbines at Dabancheng were serviced.</p>"))
			arCreate(t, contrib, arForm("Cora's notes", "news/world", "en", "<p>More turbines are planned.</p>"))
			arCreate(t, chief, arForm("风电简报", "policies", "zh", "<p>达坂城风电场的风机完成检修。</p>"))
			n.indexNow(t)
			for _, c := range []struct {
				who       *browser
				query     string
				want, not []string
			}{
				{chief, "?q=turbines", []string{"Grid bulletin", "Cora's notes", `value="turbines"`}, []string{"风电简报", "Xi meets"}},
				{chief, "?q=turbine&status=published", []string{"No article you can edit matches these filters."}, []string{"Grid bulletin"}},
				{chief, "?q=%E9%A3%8E%E6%9C%BA", []string{"风电简报"}, []string{"Grid bulletin"}},
				{chief, "?q=Lukashenko", []string{"Xi meets with Belarusian President Lukashenko"}, []string{"Grid bulletin"}},
				{contrib, "?q=turbines", []string{"Cora's notes"}, []string{"Grid bulletin"}},
				{chief, "?q=turbines&mine=1", []string{"Grid bulletin"}, []string{"Cora's notes"}},
			} {
				p := c.who.get("/admin/articles" + c.query)
				mgWant(t, "search "+c.query, p, http.StatusOK, c.want...)
				for _, not := range c.not {
					if strings.Contains(p.body, not) {
						t.Errorf("search %s shows %q", c.query, not)
					}
				}
			}
		})
	}
}
