package admin_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
)

// FuzzSignInForm posts arbitrary sign-in and code forms, and arbitrary
// bytes as the form body (behind a valid form token), to the real handlers
// of a newsroom on SQLite. Whatever comes in: never a server error, and
// never a signed-in session without the right password (and, for a user
// with two-factor, a right code).
//
//	go test ./internal/admin -run '^$' -fuzz FuzzSignInForm -fuzztime 20s -fuzzminimizetime 50x
//
// (Coverage reaches into the database engine, so new inputs turn up often;
// minimizing each for the default minute would leave no time to fuzz.)
func FuzzSignInForm(f *testing.F) {
	n := newNewsroom(f, "sqlite")
	n.addUser(f, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	tess := n.addUser(f, "tess@example.org", "Tess", news.Grant{Role: news.RoleEditor})
	secret, recovery := n.enrolTOTP(f, tess)
	users := []string{"ada@example.org", "tess@example.org"}

	f.Add("ada@example.org", testPassword, "", []byte("email=ada%40example.org&password="+url.QueryEscape(testPassword)))
	f.Add(" ADA@example.org", "Tangerine-Rocket-Violin-8", "12 34 56", []byte("password=x&email=%zz"))
	f.Add("tess@example.org", testPassword, n.code(f, secret), []byte("csrf=&email=tess%40example.org;password=x"))
	f.Add("tess@example.org", testPassword, recovery[0], []byte("\xff\x00=\x00&&=&email[]=a"))
	f.Add("nobody@example.org\x00", "\xff", "000000", []byte(strings.Repeat("a=b&", 64)))

	rightPassword := func(email, password string) bool {
		return password == testPassword && slices.Contains(users, strings.ToLower(strings.TrimSpace(email)))
	}
	rightCode := func(code string) bool {
		if ok, _ := auth.ValidateTOTP(secret, code, n.clock.Now()); ok {
			return true
		}
		norm := strings.ToLower(strings.NewReplacer("-", "", " ", "", "\t", "", "\n", "", "\r", "").Replace(code))
		for _, r := range recovery {
			if strings.ReplaceAll(r, "-", "") == norm {
				return true
			}
		}
		return false
	}
	expect := func(t *testing.T, what string, p page, allowed ...int) {
		t.Helper()
		if !slices.Contains(allowed, p.status) {
			t.Fatalf("%s: status %d, want one of %v\n%s", what, p.status, allowed, p.body)
		}
	}

	// Requests go straight to the handler, not over TCP, and each input
	// starts from the same tables, so the coverage the fuzzer follows is the
	// handlers' and not the noise of sockets and growing tables.
	handler := n.srv.Config.Handler
	browser := func(t *testing.T) *browser {
		b := n.browser(t)
		b.c.Transport = inProcess{handler}
		return b
	}

	f.Fuzz(func(t *testing.T, email, password, code string, raw []byte) {
		// Unthrottled, so what is fuzzed is the handler behind the limit,
		// not the limit's refusal.
		for _, table := range []string{"login_throttle", "sessions", "audit_log"} {
			if _, err := n.store.DB().ExecContext(bg, `DELETE FROM `+table); err != nil {
				t.Fatal(err)
			}
		}

		// The form as a browser sends it, then the code form.
		b := browser(t)
		b.get("/admin/login")
		p := b.post("/admin/login", url.Values{"email": {email}, "password": {password}})
		expect(t, "sign-in form", p, http.StatusSeeOther, http.StatusUnauthorized, http.StatusTooManyRequests)
		if p.status == http.StatusSeeOther && !rightPassword(email, password) {
			t.Fatalf("email %q, password %q: sent to %q", email, password, p.location)
		}
		if p.location == "/admin/login/code" {
			if b.signedIn() {
				t.Fatal("signed in before the code")
			}
			b.get("/admin/login/code")
			p = b.post("/admin/login/code", url.Values{"code": {code}})
			expect(t, "code form", p, http.StatusSeeOther, http.StatusUnauthorized, http.StatusTooManyRequests)
		}
		if b.signedIn() {
			u, _ := n.store.UserByEmail(bg, strings.ToLower(strings.TrimSpace(email)))
			if !rightPassword(email, password) || (u.ID == tess.ID && !rightCode(code)) {
				t.Fatalf("signed in with email %q, password %q, code %q", email, password, code)
			}
		}

		// Arbitrary bytes as the body, behind this session's form token.
		raw = raw[:min(len(raw), 4096)]
		for _, path := range []string{"/admin/login", "/admin/login/code"} {
			c := browser(t)
			c.get("/admin/login")
			body := "csrf=" + url.QueryEscape(c.csrf()) + "&" + string(raw)
			p := c.sendForm(path, body, c.sameOrigin())
			expect(t, "raw body to "+path, p, http.StatusSeeOther, http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests)
			if p.status == http.StatusSeeOther && path == "/admin/login/code" && p.location != "/admin/login" {
				t.Fatalf("a code with no password step behind it: sent to %q", p.location)
			}
			if c.signedIn() {
				form, err := url.ParseQuery(body)
				if err != nil || !rightPassword(form.Get("email"), form.Get("password")) || path != "/admin/login" {
					t.Fatalf("raw body %q to %s signed in", body, path)
				}
			}
		}
	})
}

// inProcess serves a client's requests by calling the handler directly.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := httptest.NewRequest(r.Method, r.URL.String(), r.Body)
	sr.Header = r.Header.Clone()
	sr.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, sr)
	return rec.Result(), nil
}
