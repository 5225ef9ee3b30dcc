package site_test

import (
	"context"
	"html/template"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/api"
	"newsdesk/internal/auth"
	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
)

// newsroom is the editorial side of a test portal: the service on the
// portal's clock and a site-wide chief editor who may do every step.
type newsroom struct {
	ed    *editorial.Service
	chief news.User
}

func (p *portal) newsroom(t testing.TB) *newsroom {
	t.Helper()
	chief := news.User{Email: "chief@example.org", Name: "Chief", Status: news.UserActive,
		Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
	id, err := p.store.CreateUser(context.Background(), chief, p.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	chief.ID = id
	ed := &editorial.Service{Store: p.store, Sanitizer: markup.NewSanitizer(), Now: p.clock.Now, Log: slog.New(slog.DiscardHandler)}
	return &newsroom{ed: ed, chief: chief}
}

// create stores a draft.
func (n *newsroom) create(t testing.TB, d editorial.Draft) news.Article {
	t.Helper()
	a, err := n.ed.Create(context.Background(), n.chief, "", d)
	if err != nil {
		t.Fatalf("create %q: %v", d.Headline, err)
	}
	return a
}

// step moves an article along the workflow; note is for corrections and
// retractions, at for scheduling.
func (n *newsroom) step(t testing.TB, a news.Article, tr news.Transition, note string, at time.Time) news.Article {
	t.Helper()
	a, err := n.ed.Transition(context.Background(), n.chief, "", a.ID, news.Step{Transition: tr, Note: note, At: at})
	if err != nil {
		t.Fatalf("%s %q: %v", tr, a.Headline, err)
	}
	return a
}

// publish creates a draft and publishes it now.
func (n *newsroom) publish(t testing.TB, d editorial.Draft) news.Article {
	t.Helper()
	return n.step(t, n.create(t, d), news.TransitionPublish, "", time.Time{})
}

// server is the portal's handler, for the methods the newsroom calls.
func (p *portal) server() *site.Server { return p.srv.Config.Handler.(*site.Server) }

// articlePath is a's public path in the seed site's zone.
func articlePath(a news.Article) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return a.Path(loc)
}

// href is how the portal's templates write a link to u (html/template
// percent-encodes a Chinese path, for one).
func href(u string) string {
	var b strings.Builder
	if err := hrefTemplate.Execute(&b, u); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "<a "), ">")
}

var hrefTemplate = template.Must(template.New("href").Parse(`<a href="{{.}}">`))

// apiGet makes an anonymous request to the JSON API over the portal's
// database and clock.
func (p *portal) apiGet(t *testing.T, path string) response {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	acc := &accounts.Service{Store: p.store, Hasher: auth.NewHasher(auth.TestParams), Now: p.clock.Now, Log: log}
	ed := &editorial.Service{Store: p.store, Sanitizer: markup.NewSanitizer(), Now: p.clock.Now, Log: log}
	rec := httptest.NewRecorder()
	lib := media.New(p.store, t.TempDir(), log)
	api.New(acc, ed, log, lib).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}
