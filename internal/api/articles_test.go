package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store/storetest"
)

// newsroomFixture is the API over the seed site (with policies/ requiring
// approval), a newsroom of users with different reaches, a full token for
// each, and a few articles.
type newsroomFixture struct {
	*fixture
	users  map[string]news.User
	tokens map[string]string // user (or user-scope) → bearer token
	ids    map[string]int64  // article name → id
}

func newNewsroomFixture(t *testing.T, dialect string) *newsroomFixture {
	t.Helper()
	ctx := context.Background()
	f := &newsroomFixture{fixture: newFixture(t, dialect), users: map[string]news.User{}, tokens: map[string]string{}, ids: map[string]int64{}}
	siteJSON, err := os.ReadFile("../../testdata/seed/seed-site.json")
	if err != nil {
		t.Fatal(err)
	}
	siteJSON = []byte(strings.Replace(string(siteJSON), `{"slug": "policies",`, `{"slug": "policies", "requires_approval": true,`, 1))
	if _, err := sitefile.Apply(ctx, f.ed.Store, markup.NewSanitizer(), siteJSON); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name   string
		grants []news.Grant
	}{
		{"admin", []news.Grant{{Role: news.RoleAdministrator}}},
		{"chief", []news.Grant{{Role: news.RoleChiefEditor, Channel: "news"}}},
		{"editor", []news.Grant{{Role: news.RoleEditor, Channel: "news/china"}}},
		{"contrib", []news.Grant{{Role: news.RoleContributor, Channel: "news/world"}}},
		// Two reaches that one query cannot express.
		{"mixed", []news.Grant{{Role: news.RoleContributor, Channel: "news/world"}, {Role: news.RoleEditor, Channel: "policies"}}},
	} {
		email := u.name + "@example.org"
		user, _, err := f.acc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: email, Name: strings.ToUpper(u.name[:1]) + u.name[1:],
			Password: "Tangerine-Rocket-Violin-88", Grants: u.grants})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name] = user
		f.tokens[u.name] = f.token(t, email, "read", "write", "publish")
	}
	f.tokens["editor-read"] = f.token(t, "editor@example.org", "read")
	f.tokens["editor-write"] = f.token(t, "editor@example.org", "read", "write")

	create := func(name, user, channel, lang, headline string) news.Article {
		a, err := f.ed.Create(ctx, f.users[user], "", editorial.Draft{Language: lang, Channel: channel, Headline: headline,
			BodyHTML: "<p>" + headline + "</p>", Tags: []string{"energy"}})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		f.ids[name] = a.ID
		f.now = f.now.Add(time.Second) // a distinct updated_at for each
		return a
	}
	create("grid", "editor", "news/china/government-dynamic", "en", "Grid upgrade")
	world := create("world", "chief", "news/world", "en", "World energy")
	create("wind", "contrib", "news/world", "zh", "风电")
	create("policy", "admin", "policies", "en", "New tariff policy")
	create("mine", "mixed", "news/world", "en", "Own world story")
	if _, err := f.ed.Transition(ctx, f.users["chief"], "", world.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *newsroomFixture) token(t *testing.T, email string, scopes ...string) string {
	t.Helper()
	_, plain, err := f.acc.CreateToken(context.Background(), accounts.CLIActor, accounts.NewToken{Email: email, Name: strings.Join(scopes, "+"), Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// send makes one API call with a raw body ("" for none).
func (f *fixture) send(t *testing.T, method, path, token, body string) (int, http.Header, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, data)
	}
	return res.StatusCode, res.Header, doc
}

// apiCase is one call of the article story; cases run in order and later
// ones see what earlier ones did.
type apiCase struct {
	name   string
	as     string // key of the token in newsroomFixture.tokens
	method string
	path   string // {name} is replaced by the id of article name
	body   string // likewise
	status int
	check  func(t *testing.T, f *newsroomFixture, h http.Header, doc map[string]any)
	// before runs first, e.g. to move the clock.
	before func(f *newsroomFixture)
}

func TestArticles(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f := newNewsroomFixture(t, dialect)
			for _, c := range articleCases(f) {
				if c.before != nil {
					c.before(f)
				}
				path, body := f.expand(c.path), f.expand(c.body)
				status, h, doc := f.send(t, c.method, path, f.tokens[c.as], body)
				if status != c.status {
					t.Errorf("%s: %s %s as %s: status %d, want %d: %v", c.name, c.method, path, c.as, status, c.status, doc)
					continue
				}
				if status >= 400 && (h.Get("Content-Type") != "application/problem+json" || doc["status"] != float64(status) || doc["title"] == "") {
					t.Errorf("%s: not a problem document: %v %v", c.name, h, doc)
				}
				if c.check != nil {
					t.Run(c.name, func(t *testing.T) { c.check(t, f, h, doc) })
				}
			}
		})
	}
}

// expand puts article ids in place of {name}.
func (f *newsroomFixture) expand(s string) string {
	for name, id := range f.ids {
		s = strings.ReplaceAll(s, "{"+name+"}", fmt.Sprint(id))
	}
	return s
}

func articleCases(f *newsroomFixture) []apiCase {
	listIs := func(names ...string) func(*testing.T, *newsroomFixture, http.Header, map[string]any) {
		return func(t *testing.T, f *newsroomFixture, _ http.Header, doc map[string]any) {
			t.Helper()
			var got, want []string
			for _, a := range doc["articles"].([]any) {
				got = append(got, fmt.Sprint(a.(map[string]any)["id"]))
			}
			for _, n := range names {
				want = append(want, fmt.Sprint(f.ids[n]))
			}
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("articles %v, want %v (%v)", got, want, names)
			}
		}
	}
	field := func(key string, want any) func(*testing.T, *newsroomFixture, http.Header, map[string]any) {
		return func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
			t.Helper()
			if got := toJSON(doc[key]); got != toJSON(want) {
				t.Errorf("%s = %s, want %s (%v)", key, got, toJSON(want), doc)
			}
		}
	}
	fieldErrors := func(fields ...string) func(*testing.T, *newsroomFixture, http.Header, map[string]any) {
		return func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
			t.Helper()
			var got []string
			errs, _ := doc["errors"].([]any)
			for _, e := range errs {
				got = append(got, e.(map[string]any)["field"].(string))
			}
			sort.Strings(got)
			sort.Strings(fields)
			if doc["type"] != "urn:newsdesk:problem:validation" || !slices.Equal(got, fields) {
				t.Errorf("problem fields %v, want %v: %v", got, fields, doc)
			}
		}
	}
	all := func(checks ...func(*testing.T, *newsroomFixture, http.Header, map[string]any)) func(*testing.T, *newsroomFixture, http.Header, map[string]any) {
		return func(t *testing.T, f *newsroomFixture, h http.Header, doc map[string]any) {
			t.Helper()
			for _, c := range checks {
				c(t, f, h, doc)
			}
		}
	}
	const draft = `{"language": "en", "channel": "news/china", "headline": "Solar farms grow", "summary": "<b>Sun</b> power",
		"body_html": "<p onclick=\"x()\">Text</p><script>alert(1)</script>", "tags": ["solar", "grid"], "byline": "Ed Writer",
		"source": "Wire", "editor": "Chief", "embargo_until": "2026-12-01T00:00:00Z"}`

	return []apiCase{
		// The newsroom list: only what the caller may edit.
		{name: "editor lists news/china only", as: "editor", method: "GET", path: "/api/v1/articles", status: 200,
			check: all(listIs("grid"), field("total", 1), func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
				a := doc["articles"].([]any)[0].(map[string]any)
				if _, ok := a["body_html"]; ok || toJSON(a["tags"]) != `["energy"]` {
					t.Errorf("a list item has no body and has its tags: %v", a)
				}
			})},
		{name: "chief editor lists the news subtree", as: "chief", method: "GET", path: "/api/v1/articles", status: 200,
			check: listIs("grid", "world", "wind", "mine")},
		{name: "contributor lists their own", as: "contrib", method: "GET", path: "/api/v1/articles", status: 200, check: listIs("wind")},
		{name: "two grants: own in news/world and all of policies", as: "mixed", method: "GET", path: "/api/v1/articles", status: 200,
			check: all(listIs("policy", "mine"), field("total", 2))},
		{name: "two grants, paged", as: "mixed", method: "GET", path: "/api/v1/articles?limit=1&offset=1", status: 200,
			check: all(listIs("policy"), field("total", 2), field("limit", 1), field("offset", 1))}, // newest first: mine, policy
		{name: "administrator lists everything", as: "admin", method: "GET", path: "/api/v1/articles", status: 200,
			check: listIs("grid", "world", "wind", "policy", "mine")},
		{name: "filter by status", as: "chief", method: "GET", path: "/api/v1/articles?status=published", status: 200, check: listIs("world")},
		{name: "filter by language", as: "chief", method: "GET", path: "/api/v1/articles?language=zh", status: 200, check: listIs("wind")},
		{name: "filter by channel and status", as: "chief", method: "GET", path: "/api/v1/articles?channel=news/world&status=draft", status: 200,
			check: listIs("wind", "mine")},
		{name: "filter outside the caller's channels", as: "chief", method: "GET", path: "/api/v1/articles?channel=policies", status: 200,
			check: all(listIs(), field("total", 0))},
		{name: "bad filters", as: "chief", method: "GET", path: "/api/v1/articles?status=lost&language=fr&limit=0&offset=-1", status: 422,
			check: fieldErrors("status", "language", "limit", "offset")},

		// One article.
		{name: "get a draft", as: "editor", method: "GET", path: "/api/v1/articles/{grid}", status: 200,
			check: all(field("headline", "Grid upgrade"), field("body_html", "<p>Grid upgrade</p>"), field("status", "draft"),
				field("url", nil), field("release_at", nil), field("version", 1), field("channel", "news/china/government-dynamic"))},
		{name: "get a published article: its public path", as: "chief", method: "GET", path: "/api/v1/articles/{world}", status: 200,
			check: all(field("status", "published"), field("url", "/en/news/world/2026/11/29/world-energy/"), field("release_at", "2026-11-29T12:00:05Z"))},
		{name: "get outside the caller's channels", as: "editor", method: "GET", path: "/api/v1/articles/{world}", status: 403},
		{name: "get someone else's as a contributor", as: "contrib", method: "GET", path: "/api/v1/articles/{mine}", status: 403},
		{name: "get a missing article", as: "admin", method: "GET", path: "/api/v1/articles/999999", status: 404},
		{name: "get with a malformed id", as: "admin", method: "GET", path: "/api/v1/articles/abc", status: 404},

		// Create.
		{name: "create a draft", as: "editor", method: "POST", path: "/api/v1/articles", body: draft, status: 201,
			check: func(t *testing.T, f *newsroomFixture, h http.Header, doc map[string]any) {
				id := int64(doc["id"].(float64))
				f.ids["solar"] = id
				if h.Get("Location") != fmt.Sprintf("/api/v1/articles/%d", id) {
					t.Errorf("Location %q", h.Get("Location"))
				}
				field("status", "draft")(t, f, h, doc)
				field("version", 1)(t, f, h, doc)
				field("slug", "solar-farms-grow")(t, f, h, doc)
				field("tags", []string{"grid", "solar"})(t, f, h, doc)
				field("embargo_until", "2026-12-01T00:00:00Z")(t, f, h, doc)
				field("summary", "Sun power")(t, f, h, doc)
				field("byline", "Ed Writer")(t, f, h, doc)
				if b := doc["body_html"].(string); strings.Contains(b, "script") || strings.Contains(b, "onclick") || !strings.Contains(b, "Text") {
					t.Errorf("body not sanitized: %q", b)
				}
			}},
		{name: "create with a read-only token", as: "editor-read", method: "POST", path: "/api/v1/articles", body: draft, status: 403},
		{name: "create outside the caller's channels", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "en", "channel": "policies", "headline": "Not mine"}`, status: 403},
		{name: "create without headline, in an unknown language", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "fr", "channel": "news/china", "headline": " "}`, status: 422, check: fieldErrors("language", "headline")},
		{name: "create with a bad embargo time", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "en", "channel": "news/china", "headline": "H", "embargo_until": "tomorrow"}`, status: 422, check: fieldErrors("embargo_until")},
		{name: "create with an unknown field", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "en", "channel": "news/china", "headline": "H", "body": "<p>x</p>"}`, status: 422, check: fieldErrors("body")},
		{name: "create with a wrong type", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "en", "channel": "news/china", "headline": "H", "tags": "solar"}`, status: 422, check: fieldErrors("tags")},
		{name: "create with broken JSON", as: "editor", method: "POST", path: "/api/v1/articles", body: `{"language": `, status: 400},
		{name: "create with a body over 4 MB", as: "editor", method: "POST", path: "/api/v1/articles",
			body: `{"language": "en", "channel": "news/china", "headline": "H", "body_html": "` + strings.Repeat("x", 4<<20) + `"}`, status: 413},

		// Update with optimistic locking.
		{name: "patch one field", as: "editor-write", method: "PATCH", path: "/api/v1/articles/{solar}",
			body: `{"version": 1, "headline": "Solar farms grow fast"}`, status: 200,
			check: all(field("headline", "Solar farms grow fast"), field("version", 2), field("tags", []string{"grid", "solar"}),
				field("byline", "Ed Writer"), field("embargo_until", "2026-12-01T00:00:00Z"), field("slug", "solar-farms-grow"))},
		{name: "patch from a stale version", as: "editor", method: "PATCH", path: "/api/v1/articles/{solar}",
			body: `{"version": 1, "summary": "mine wins?"}`, status: 409,
			check: all(field("type", "urn:newsdesk:problem:edit-conflict"), field("current_version", 2), field("updated_by", "Editor"))},
		{name: "the conflict overwrote nothing", as: "editor", method: "GET", path: "/api/v1/articles/{solar}", status: 200,
			check: all(field("summary", "Sun power"), field("version", 2))},
		{name: "patch without a version", as: "editor", method: "PATCH", path: "/api/v1/articles/{solar}", body: `{"headline": "x"}`, status: 422,
			check: fieldErrors("version")},
		{name: "patch lifting the embargo", as: "editor", method: "PATCH", path: "/api/v1/articles/{solar}",
			body: `{"version": 2, "embargo_until": ""}`, status: 200, check: all(field("embargo_until", nil), field("version", 3))},
		{name: "patch someone else's as a contributor", as: "contrib", method: "PATCH", path: "/api/v1/articles/{solar}",
			body: `{"version": 3, "headline": "x"}`, status: 403},
		{name: "patch with a read-only token", as: "editor-read", method: "PATCH", path: "/api/v1/articles/{solar}",
			body: `{"version": 3, "headline": "x"}`, status: 403},
		{name: "patch a missing article", as: "admin", method: "PATCH", path: "/api/v1/articles/999999", body: `{"version": 1}`, status: 404},
		{name: "put replaces every field", as: "editor", method: "PUT", path: "/api/v1/articles/{solar}",
			body: `{"version": 3, "language": "en", "channel": "news/china/industry", "headline": "Replaced"}`, status: 200,
			check: all(field("headline", "Replaced"), field("version", 4), field("tags", []string{}), field("byline", ""),
				field("channel", "news/china/industry"), field("body_html", ""))},
		{name: "put from a stale version", as: "editor", method: "PUT", path: "/api/v1/articles/{solar}",
			body: `{"version": 3, "language": "en", "channel": "news/china", "headline": "Again"}`, status: 409, check: field("current_version", 4)},
		{name: "put without a version or headline", as: "editor", method: "PUT", path: "/api/v1/articles/{solar}",
			body: `{"language": "en", "channel": "news/china", "headline": "H", "embargo_until": "soon"}`, status: 422,
			check: fieldErrors("version", "embargo_until")},

		// Workflow.
		{name: "transition with a write-only token", as: "editor-write", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "submit"}`, status: 403},
		{name: "submit", as: "editor", method: "POST", path: "/api/v1/articles/{grid}/transitions", body: `{"transition": "submit"}`, status: 200,
			check: all(field("status", "in-review"), field("version", 2))},
		{name: "an editor may not publish", as: "editor", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "publish"}`, status: 403},
		{name: "approve", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions", body: `{"transition": "approve"}`, status: 200,
			check: field("status", "approved")},
		{name: "unknown transition", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions", body: `{"transition": "frobnicate"}`,
			status: 422, check: fieldErrors("transition")},
		{name: "schedule without a time", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions", body: `{"transition": "schedule"}`,
			status: 422, check: fieldErrors("at")},
		{name: "schedule at a bad time", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "schedule", "at": "noon"}`, status: 422, check: fieldErrors("at")},
		{name: "schedule in the past", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "schedule", "at": "2026-11-29T11:00:00Z"}`, status: 409, check: field("article_status", "approved")},
		{name: "schedule", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "schedule", "at": "2026-11-29T13:00:00Z"}`, status: 200,
			check: all(field("status", "scheduled"), field("release_at", "2026-11-29T13:00:00Z"), field("url", nil))},
		{name: "retract what is not published", as: "chief", method: "POST", path: "/api/v1/articles/{grid}/transitions",
			body: `{"transition": "retract", "note": "wrong"}`, status: 409,
			check: all(field("type", "urn:newsdesk:problem:transition-refused"), field("article_status", "scheduled"))},
		{name: "a scheduled article has its public path from its time", as: "chief", method: "GET", path: "/api/v1/articles/{grid}", status: 200,
			before: func(f *newsroomFixture) { f.now = time.Date(2026, 11, 29, 13, 0, 1, 0, time.UTC) },
			check:  field("url", "/en/news/china/government-dynamic/2026/11/29/grid-upgrade/")},
		{name: "correct needs a note", as: "chief", method: "POST", path: "/api/v1/articles/{world}/transitions", body: `{"transition": "correct"}`,
			status: 409},
		{name: "correct", as: "chief", method: "POST", path: "/api/v1/articles/{world}/transitions",
			body: `{"transition": "correct", "note": "The capacity is 5 GW, not 50 GW."}`, status: 200,
			check: func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
				cs := doc["corrections"].([]any)
				if len(cs) != 1 || cs[0].(map[string]any)["note"] != "The capacity is 5 GW, not 50 GW." || cs[0].(map[string]any)["at"] != "2026-11-29T13:00:01Z" {
					t.Errorf("corrections %v", cs)
				}
			}},
		{name: "publishing in a channel that requires approval", as: "admin", method: "POST", path: "/api/v1/articles/{policy}/transitions",
			body: `{"transition": "publish"}`, status: 409, check: field("article_status", "draft")},
		{name: "an editor may not approve", as: "mixed", method: "POST", path: "/api/v1/articles/{policy}/transitions",
			body: `{"transition": "approve"}`, status: 403},
		{name: "transition of someone else's as a contributor", as: "contrib", method: "POST", path: "/api/v1/articles/{mine}/transitions",
			body: `{"transition": "submit"}`, status: 403},
		{name: "transition of a missing article", as: "admin", method: "POST", path: "/api/v1/articles/999999/transitions",
			body: `{"transition": "submit"}`, status: 404},

		// Channels.
		{name: "channels with what the caller may do", as: "editor", method: "GET", path: "/api/v1/channels", status: 200,
			check: func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
				got := map[string]map[string]any{}
				for _, c := range doc["channels"].([]any) {
					got[c.(map[string]any)["path"].(string)] = c.(map[string]any)
				}
				if len(got) != 6 {
					t.Errorf("%d channels, want the seed's 6: %v", len(got), doc)
				}
				want := map[string]string{
					"news/china/industry": `["create-article","edit-article","submit-for-review"]`,
					"news/world":          `[]`,
					"policies":            `[]`,
				}
				for path, may := range want {
					if toJSON(got[path]["may"]) != may {
						t.Errorf("%s: may %s, want %s", path, toJSON(got[path]["may"]), may)
					}
				}
				if got["policies"]["requires_approval"] != true || got["news/china/industry"]["parent"] != "news/china" ||
					toJSON(got["news"]["name"]) != `{"en":"NEWS","zh":"新闻"}` {
					t.Errorf("channels: %v", doc)
				}
			}},
		{name: "channels with a chief editor", as: "chief", method: "GET", path: "/api/v1/channels", status: 200,
			check: func(t *testing.T, _ *newsroomFixture, _ http.Header, doc map[string]any) {
				for _, c := range doc["channels"].([]any) {
					c := c.(map[string]any)
					if c["path"] == "news/world" && toJSON(c["may"]) != `["create-article","edit-article","submit-for-review","approve","publish","correct","retract"]` {
						t.Errorf("news/world: %v", c)
					}
				}
			}},
	}
}

// TestArticleJSONMatchesSchema: what the API sends has exactly the fields
// its OpenAPI document describes.
func TestArticleJSONMatchesSchema(t *testing.T) {
	f := newNewsroomFixture(t, "sqlite")
	_, _, doc := f.call(t, "GET", "/api/v1/openapi.json", "", nil)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	props := func(name string) []string {
		var out []string
		for p := range schemas[name].(map[string]any)["properties"].(map[string]any) {
			out = append(out, p)
		}
		sort.Strings(out)
		return out
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	_, _, article := f.send(t, "GET", f.expand("/api/v1/articles/{world}"), f.tokens["chief"], "")
	if got, want := keys(article), props("Article"); !slices.Equal(got, want) {
		t.Errorf("article fields %v, schema %v", got, want)
	}
	_, _, list := f.send(t, "GET", "/api/v1/articles", f.tokens["chief"], "")
	if got, want := keys(list), props("ArticleList"); !slices.Equal(got, want) {
		t.Errorf("list fields %v, schema %v", got, want)
	}
	item := list["articles"].([]any)[0].(map[string]any)
	if got, want := keys(item), slices.DeleteFunc(props("Article"), func(p string) bool { return p == "body_html" }); !slices.Equal(got, want) {
		t.Errorf("list item fields %v, schema %v less body_html", got, want)
	}
	_, _, channels := f.send(t, "GET", "/api/v1/channels", f.tokens["chief"], "")
	channel := channels["channels"].([]any)[0].(map[string]any)
	chSchema := schemas["ChannelList"].(map[string]any)["properties"].(map[string]any)["channels"].(map[string]any)["items"].(map[string]any)
	var chProps []string
	for p := range chSchema["properties"].(map[string]any) {
		chProps = append(chProps, p)
	}
	sort.Strings(chProps)
	if got := keys(channel); !slices.Equal(got, chProps) {
		t.Errorf("channel fields %v, schema %v", got, chProps)
	}
	_, _, conflict := f.send(t, "PATCH", f.expand("/api/v1/articles/{grid}"), f.tokens["editor"], `{"version": 99}`)
	for k := range conflict {
		if !slices.Contains(props("Problem"), k) {
			t.Errorf("problem member %q is not in the Problem schema", k)
		}
	}
	// Every field a request schema names is accepted (no 422 for it).
	var fields []string
	for _, p := range props("ArticlePatch") {
		if p != "version" {
			fields = append(fields, fmt.Sprintf("%q: null", p))
		}
	}
	body := `{"version": 1, ` + strings.Join(fields, ", ") + `}`
	if status, _, doc := f.send(t, "PATCH", f.expand("/api/v1/articles/{grid}"), f.tokens["editor"], body); status != 200 {
		t.Errorf("PATCH with every documented field: %d %v", status, doc)
	}
}
