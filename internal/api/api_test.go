package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
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
	"newsdesk/internal/store/storetest"
)

type fixture struct {
	srv *httptest.Server
	acc *accounts.Service
	ed  *editorial.Service
	now time.Time
	api *api.Server
	lib *media.Service
}

func newFixture(t *testing.T, dialect string) *fixture {
	t.Helper()
	s := storetest.New(t, dialect)
	f := &fixture{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	now := func() time.Time { return f.now }
	f.acc = &accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: now, Log: slog.New(slog.DiscardHandler)}
	f.ed = &editorial.Service{Store: s, Sanitizer: markup.NewSanitizer(), Now: now, Log: slog.New(slog.DiscardHandler)}
	f.lib = media.New(s, t.TempDir(), slog.New(slog.DiscardHandler))
	f.api = api.New(f.acc, f.ed, slog.New(slog.DiscardHandler), f.lib)
	f.srv = httptest.NewServer(f.api)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) call(t *testing.T, method, path, token string, cookie *http.Cookie) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, body)
	}
	return res.StatusCode, res.Header, doc
}

func TestTokens(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f := newFixture(t, dialect)
			ctx := context.Background()
			if _, _, err := f.acc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: "ed@example.org", Name: "Ed", Password: "Tangerine-Rocket-Violin-88",
				Grants: []news.Grant{{Role: news.RoleEditor}}}); err != nil {
				t.Fatal(err)
			}
			mk := func(name string, scopes []string, expires time.Duration) string {
				_, plain, err := f.acc.CreateToken(ctx, accounts.CLIActor, accounts.NewToken{Email: "ed@example.org", Name: name, Scopes: scopes, Expires: expires})
				if err != nil {
					t.Fatal(err)
				}
				return plain
			}
			good := mk("good", []string{"read"}, 0)
			short := mk("short", []string{"read"}, time.Hour)
			revoked := mk("revoked", []string{"read"}, 0)
			writeOnly := mk("write-only", []string{"write"}, 0)
			revokedID := strings.Split(revoked, "_")[1]
			u, err := f.acc.Store.UserByEmail(ctx, "ed@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if err := f.acc.RevokeToken(ctx, accounts.Actor{User: u}, revokedID); err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(2 * time.Hour) // past the short token's expiry

			cases := []struct {
				name   string
				token  string
				cookie *http.Cookie
				status int
			}{
				{"valid token", good, nil, 200},
				{"no token", "", nil, 401},
				{"session cookie is not a credential", "", &http.Cookie{Name: "newsdesk_session", Value: "anything"}, 401},
				{"expired token", short, nil, 401},
				{"revoked token", revoked, nil, 401},
				{"garbage", "nd_garbage", nil, 401},
				{"right id, wrong secret", good[:len(good)-4] + "aaaa", nil, 401},
				{"token without the scope", writeOnly, nil, 403},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, h, doc := f.call(t, "GET", "/api/v1/me", c.token, c.cookie)
					if status != c.status {
						t.Fatalf("status %d, want %d: %v", status, c.status, doc)
					}
					if status != 200 {
						if h.Get("Content-Type") != "application/problem+json" || doc["status"] != float64(status) || doc["title"] == "" {
							t.Errorf("not a problem document: %v %v", h, doc)
						}
						return
					}
					if doc["email"] != "ed@example.org" || !strings.Contains(toJSON(doc["roles"]), `"editor"`) {
						t.Errorf("me: %v", doc)
					}
				})
			}
			if _, err := f.acc.SetStatus(ctx, accounts.CLIActor, "ed@example.org", news.UserDisabled); err != nil {
				t.Fatal(err)
			}
			if status, _, _ := f.call(t, "GET", "/api/v1/me", good, nil); status != 401 {
				t.Errorf("token of a disabled user: %d, want 401", status)
			}
		})
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestOpenAPIMatchesRoutes: the document lists exactly the served routes,
// each with its parameters and body schemas, and each documented route is
// served (not the API's 404).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, "sqlite")
	status, _, doc := f.call(t, "GET", "/api/v1/openapi.json", "", nil)
	if status != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: %d %v", status, doc)
	}
	var documented []string
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	served := f.api.Routes()
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("documented %v, served %v", documented, served)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			name := strings.ToUpper(method) + " " + path
			if method != "get" && method != "delete" && op["requestBody"] == nil {
				t.Errorf("%s: no request body schema", name)
			}
			ok := false
			for status, resp := range op["responses"].(map[string]any) {
				if status[0] == '2' && resp.(map[string]any)["content"] != nil {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: no success response with a schema", name)
			}
			var params []string
			ps, _ := op["parameters"].([]any)
			for _, p := range ps {
				if p := p.(map[string]any); p["in"] == "path" {
					params = append(params, "{"+p["name"].(string)+"}")
				}
			}
			if want := regexp.MustCompile(`\{\w+\}`).FindAllString(path, -1); !slices.Equal(params, want) {
				t.Errorf("%s: path parameters %v, want %v", name, params, want)
			}
		}
	}
	for _, ref := range regexp.MustCompile(`"\$ref":"#/components/schemas/(\w+)"`).FindAllStringSubmatch(toJSON(doc), -1) {
		if schemas[ref[1]] == nil {
			t.Errorf("$ref to a missing schema %s", ref[1])
		}
	}
	for _, r := range served {
		method, path, _ := strings.Cut(r, " ")
		if status, _, body := f.call(t, method, path, "", nil); status == 404 {
			t.Errorf("%s is documented but answers 404: %v", r, body)
		}
	}
	if status, _, body := f.call(t, "GET", "/api/v1/nope", "", nil); status != 404 || body["status"] != float64(404) {
		t.Errorf("unknown route: %d %v", status, body)
	}
}
