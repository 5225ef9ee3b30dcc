package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"newsdesk/internal/accounts"
	"newsdesk/internal/admin"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// Attack tests of the newsroom over HTTP. Each names what it proves.

var bg = context.Background()

const sessionCookie = "newsdesk_session"

// sendForm posts body with exactly the headers given (post adds same-origin
// headers and the page's token; attacks need to leave them out).
func (b *browser) sendForm(path, body string, header map[string]string) page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

func (b *browser) sameOrigin() map[string]string {
	return map[string]string{"Origin": b.base, "Sec-Fetch-Site": "same-origin"}
}

var crossSite = map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}

// token is the browser's session cookie value, "" when it has none.
func (b *browser) token() string {
	u, _ := url.Parse(b.base + "/admin/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// setCookieOf parses the session cookie a response set, or nil.
func setCookieOf(t *testing.T, p page) *http.Cookie {
	t.Helper()
	for _, line := range p.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

// storedSessionName is how a cookie's token is named in the sessions table
// and on the sessions page: the token itself is never stored.
func storedSessionName(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (b *browser) signedIn() bool {
	b.t.Helper()
	p := b.get("/admin/")
	switch {
	case p.status == http.StatusOK:
		return true
	case p.status == http.StatusSeeOther && p.location == "/admin/login":
		return false
	}
	b.t.Fatalf("GET /admin/: %d → %q", p.status, p.location)
	return false
}

// passwordHash is the stored hash of a user's password.
func (n *newsroom) passwordHash(t *testing.T, email string) string {
	t.Helper()
	u, err := n.store.UserByEmail(bg, email)
	if err != nil {
		t.Fatal(err)
	}
	c, err := n.store.Credentials(bg, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.PasswordHash
}

// auditCount counts the audit entries with action ("" for all).
func (n *newsroom) auditCount(t *testing.T, action string) int {
	t.Helper()
	list, err := n.store.AuditEntries(bg, store.AuditQuery{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// behindProxy serves the same newsroom as a second node that trusts the
// loopback address as its reverse proxy, so X-Forwarded-For and
// X-Forwarded-Proto from it count.
func (n *newsroom) behindProxy(t *testing.T) string {
	t.Helper()
	nr, err := admin.New(admin.Options{Store: n.store, Accounts: n.accounts, Now: n.clock.Now, Log: slog.New(slog.DiscardHandler),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(nr)
	t.Cleanup(ts.Close)
	return ts.URL
}

// forwarded adds the headers a reverse proxy adds to every request.
type forwarded struct {
	header map[string]string
}

func (f forwarded) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range f.header {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// clientAt is a browser reaching base through a proxy that reports the
// client's address as ip.
func (n *newsroom) clientAt(t *testing.T, base, ip string) *browser {
	b := n.browser(t)
	b.base = base
	b.c.Transport = forwarded{map[string]string{"X-Forwarded-For": ip}}
	return b
}

// enrolTOTP turns on two-factor sign-in for u through the service and moves
// the clock to the next code, since the confirming one is spent.
func (n *newsroom) enrolTOTP(t testing.TB, u news.User) (secret string, recovery []string) {
	t.Helper()
	a := accounts.Actor{User: u}
	e, err := n.accounts.BeginTOTP(a)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(e.Secret, n.clock.Now())
	if recovery, err = n.accounts.ConfirmTOTP(bg, a, e.Secret, code); err != nil {
		t.Fatal(err)
	}
	n.clock.Add(30 * time.Second)
	return e.Secret, recovery
}

func (n *newsroom) code(t testing.TB, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCrossOriginPostRefused proves that a form posted from another site is
// refused before any handler runs, even one carrying the right password and
// a valid form token, and that it changes nothing.
func TestCrossOriginPostRefused(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			hash := n.passwordHash(t, "ada@example.org")
			b := n.browser(t)
			b.get("/admin/login")
			login := url.Values{"email": {"ada@example.org"}, "password": {testPassword}, "csrf": {b.csrf()}}.Encode()
			for _, h := range []map[string]string{
				crossSite,
				{"Sec-Fetch-Site": "cross-site"},
				{"Sec-Fetch-Site": "same-site"}, // a sibling subdomain is another origin
				{"Origin": "http://evil.example"},
				{"Origin": "null"},
			} {
				if p := b.sendForm("/admin/login", login, h); p.status != http.StatusForbidden || !strings.Contains(p.body, "came from another site") {
					t.Errorf("sign-in posted with %v: %d", h, p.status)
				}
			}
			if b.signedIn() {
				t.Fatal("a cross-origin sign-in signed the browser in")
			}
			if got := n.auditCount(t, "sign-in") + n.auditCount(t, "sign-in.failed"); got != 0 {
				t.Errorf("refused sign-ins left %d sign-in audit entries", got)
			}

			b.signIn("ada@example.org")
			b.get("/admin/account")
			change := url.Values{"current": {testPassword}, "password": {"Evil-Chosen-Password-99"}, "csrf": {b.csrf()}}.Encode()
			if p := b.sendForm("/admin/account/password", change, crossSite); p.status != http.StatusForbidden {
				t.Errorf("cross-origin password change: %d", p.status)
			}
			if n.passwordHash(t, "ada@example.org") != hash {
				t.Fatal("a cross-origin request changed the password")
			}
			if !b.signedIn() {
				t.Error("the refused request ended the session")
			}
			// The same form from the site itself goes through: the refusal
			// was the origin, not the form.
			if p := b.sendForm("/admin/account/password", change, b.sameOrigin()); p.status != http.StatusSeeOther {
				t.Errorf("same-origin password change: %d\n%s", p.status, p.body)
			}
		})
	}
}

// TestFormTokenRequired proves that a same-origin POST needs this session's
// form token: none, an empty one, or another session's is refused with 403
// and changes nothing.
func TestFormTokenRequired(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
			hash := n.passwordHash(t, "ada@example.org")

			ada, bob := n.browser(t), n.browser(t)
			ada.signIn("ada@example.org")
			bob.signIn("bob@example.org")
			bob.get("/admin/account")
			bobToken := bob.csrf()
			ada.get("/admin/account")
			adaToken := ada.csrf()
			if adaToken == bobToken {
				t.Fatal("two sessions share a form token")
			}
			form := url.Values{"current": {testPassword}, "password": {"Evil-Chosen-Password-99"}}
			for name, token := range map[string][]string{"no token": nil, "empty token": {""}, "Bob's token": {bobToken},
				"two tokens, Bob's first": {bobToken, adaToken}, "token with a suffix": {adaToken + "x"}} {
				f := url.Values{"current": form["current"], "password": form["password"]}
				if token != nil {
					f["csrf"] = token
				}
				if p := ada.sendForm("/admin/account/password", f.Encode(), ada.sameOrigin()); p.status != http.StatusForbidden || !strings.Contains(p.body, "form expired") {
					t.Errorf("%s: %d", name, p.status)
				}
			}
			if n.passwordHash(t, "ada@example.org") != hash {
				t.Fatal("a forged form changed the password")
			}
			// Sign-out is a state change too: without the token it is refused.
			if p := ada.sendForm("/admin/logout", "", ada.sameOrigin()); p.status != http.StatusForbidden || !ada.signedIn() {
				t.Errorf("sign-out without a token: %d", p.status)
			}

			// Sign-in needs the token of the sign-in page in this browser: a
			// client with no session, or with another's token, is refused.
			fresh := n.browser(t)
			login := url.Values{"email": {"ada@example.org"}, "password": {testPassword}, "csrf": {adaToken}}.Encode()
			if p := fresh.sendForm("/admin/login", login, fresh.sameOrigin()); p.status != http.StatusForbidden {
				t.Errorf("sign-in with another session's token: %d", p.status)
			}
			fresh.get("/admin/login")
			if p := fresh.sendForm("/admin/login", "email=ada%40example.org&password="+url.QueryEscape(testPassword), fresh.sameOrigin()); p.status != http.StatusForbidden {
				t.Errorf("sign-in without a token: %d", p.status)
			}
			if fresh.signedIn() {
				t.Error("a sign-in without its token signed in")
			}
		})
	}
}

var retryAfterRE = regexp.MustCompile(`^[1-9][0-9]*$`)

// TestSignInThrottledOverHTTP proves, through the real handler, that 50
// wrong passwords for one account end in 429 with Retry-After; that a
// forged X-Forwarded-For from an untrusted client does not spread the
// attempts over made-up addresses; and that the attack does not lock another
// account, even one signing in from the same address, because the attacker's
// few checked attempts stay under the looser per-address limit.
func TestSignInThrottledOverHTTP(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
			attacker := n.browser(t)
			attacker.get("/admin/login")
			var statuses []int
			var last page
			for i := range 50 {
				f := url.Values{"email": {"ada@example.org"}, "password": {"Wrong-Guess-" + strconv.Itoa(i)}, "csrf": {attacker.csrf()}}
				h := attacker.sameOrigin()
				h["X-Forwarded-For"] = "198.51.100." + strconv.Itoa(i) // ignored: 127.0.0.1 is no trusted proxy
				last = attacker.sendForm("/admin/login", f.Encode(), h)
				statuses = append(statuses, last.status)
			}
			for i, s := range statuses {
				if want := map[bool]int{true: 401, false: 429}[i < 6]; s != want {
					t.Fatalf("attempt %d: %d, want %d (all: %v)", i+1, s, want, statuses)
				}
			}
			if ra := last.header.Get("Retry-After"); !retryAfterRE.MatchString(ra) || !strings.Contains(last.body, "Too many failed attempts") {
				t.Errorf("429 with Retry-After %q", ra)
			}
			// Now even the right password is refused.
			if p := attacker.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}}); p.status != http.StatusTooManyRequests {
				t.Errorf("right password while paused: %d", p.status)
			}
			failed, err := n.store.AuditEntries(bg, store.AuditQuery{Action: "sign-in.failed", Limit: 100})
			if err != nil || len(failed) != 6 {
				t.Fatalf("%d failed sign-ins logged, want the 6 checked: %v", len(failed), err)
			}
			for _, e := range failed {
				if e.IP != "127.0.0.1" {
					t.Errorf("failure logged from %q: a forged X-Forwarded-For counted", e.IP)
				}
			}
			// Another account, from the same address, is not locked.
			other := n.browser(t)
			other.signIn("bob@example.org")
			// When the pause has passed, Ada signs in.
			n.clock.Add(time.Minute)
			n.browser(t).signIn("ada@example.org")
		})
	}
}

// TestThrottleBehindProxy runs the limits on a node behind a trusted proxy,
// where each client has its own address: an attack on one account locks that
// account from every address and locks no other account; an address that
// sprays guesses over many accounts is paused for every account, while the
// same accounts still sign in from elsewhere.
func TestThrottleBehindProxy(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
	base := n.behindProxy(t)
	try := func(ip, email, password string) page {
		t.Helper()
		b := n.clientAt(t, base, ip)
		b.get("/admin/login")
		return b.post("/admin/login", url.Values{"email": {email}, "password": {password}})
	}

	for i := range 50 {
		p := try("203.0.113.9", "ada@example.org", "Wrong-Guess-"+strconv.Itoa(i))
		if want := map[bool]int{true: 401, false: 429}[i < 6]; p.status != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, p.status, want)
		}
	}
	if p := try("198.51.100.20", "ada@example.org", testPassword); p.status != http.StatusTooManyRequests {
		t.Errorf("Ada's right password from a new address: %d (the account limit must follow the account)", p.status)
	}
	if p := try("198.51.100.7", "bob@example.org", testPassword); p.status != http.StatusSeeOther {
		t.Errorf("Bob from his address: %d", p.status)
	}
	if p := try("203.0.113.9", "bob@example.org", testPassword); p.status != http.StatusSeeOther {
		t.Errorf("Bob from the attacker's address: %d (six failures there are under the address limit)", p.status)
	}
	if e, _ := n.store.AuditEntries(bg, store.AuditQuery{Action: "sign-in.failed", Limit: 1}); len(e) != 1 || e[0].IP != "203.0.113.9" {
		t.Errorf("failure logged as %+v, want from the forwarded address", e)
	}

	// Spraying: 21 unknown accounts from one address pause the address.
	for i := range 21 {
		if p := try("203.0.113.77", "guess"+strconv.Itoa(i)+"@example.org", "Wrong-Guess"); p.status != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d", i+1, p.status)
		}
	}
	if p := try("203.0.113.77", "bob@example.org", testPassword); p.status != http.StatusTooManyRequests {
		t.Errorf("Bob from the spraying address: %d", p.status)
	}
	if p := try("198.51.100.8", "bob@example.org", testPassword); p.status != http.StatusSeeOther {
		t.Errorf("Bob from another address during the spray: %d", p.status)
	}
	n.clock.Add(15 * time.Minute)
	if p := try("203.0.113.9", "ada@example.org", testPassword); p.status != http.StatusSeeOther {
		t.Errorf("Ada once the pause has passed: %d", p.status)
	}
}

// TestDisabledUserIsOutAtNextRequest proves a live session stops working
// at the very next request once its user is disabled: both through the
// service (which also ends the sessions) and when only the status changes
// in the database (so the check is per request, not just session clean-up).
func TestDisabledUserIsOutAtNextRequest(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
			n.addUser(t, "cy@example.org", "Cy", news.Grant{Role: news.RoleEditor})
			bob, cy := n.browser(t), n.browser(t)
			bob.signIn("bob@example.org")
			cy.signIn("cy@example.org")
			if !bob.signedIn() || !cy.signedIn() {
				t.Fatal("not signed in")
			}
			if _, err := n.accounts.SetStatus(bg, accounts.CLIActor, "bob@example.org", news.UserDisabled); err != nil {
				t.Fatal(err)
			}
			if p := bob.get("/admin/account"); p.status != http.StatusSeeOther || p.location != "/admin/login" {
				t.Errorf("disabled Bob: %d → %q", p.status, p.location)
			}

			cy.get("/admin/account") // the form, loaded while still active
			if _, err := n.store.DB().ExecContext(bg, `UPDATE users SET status = 'disabled' WHERE email = 'cy@example.org'`); err != nil {
				t.Fatal(err)
			}
			if p := cy.post("/admin/account/tokens", url.Values{"name": {"after disable"}}); p.status != http.StatusSeeOther || p.location != "/admin/login" {
				t.Errorf("disabled Cy posting: %d → %q", p.status, p.location)
			}
			// The session was ended, not just refused: enabling Cy again
			// does not bring it back.
			if _, err := n.store.DB().ExecContext(bg, `UPDATE users SET status = 'active' WHERE email = 'cy@example.org'`); err != nil {
				t.Fatal(err)
			}
			if cy.signedIn() {
				t.Error("the disabled user's session came back")
			}
			u, _ := n.store.UserByEmail(bg, "cy@example.org")
			if toks, _ := n.store.UserTokens(bg, u.ID); len(toks) != 0 {
				t.Errorf("a disabled user made %d tokens", len(toks))
			}
		})
	}
}

// TestSessionCookie proves the session cookie's flags: HttpOnly,
// SameSite=Lax, Path=/admin/, a browser-session cookie, and Secure only when
// the request came over TLS. Over plain HTTP an X-Forwarded-Proto: https
// from a client that is no trusted proxy does not make it Secure (a forged
// header changes nothing); from a trusted proxy it does.
func TestSessionCookie(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	check := func(name string, b *browser, header map[string]string, secure bool) {
		t.Helper()
		req, _ := http.NewRequest("GET", b.base+"/admin/login", nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		p := b.do(req)
		c := setCookieOf(t, p)
		if c == nil {
			t.Fatalf("%s: no session cookie set", name)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/admin/" || c.Secure != secure || c.MaxAge != 0 || !c.Expires.IsZero() || c.Domain != "" {
			t.Errorf("%s: cookie %q, want HttpOnly, SameSite=Lax, Path=/admin/, no expiry, Secure=%v", name, c.String(), secure)
		}
		if p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", name, p.header.Get("Cache-Control"))
		}
	}
	check("plain HTTP", n.browser(t), nil, false)
	check("forged X-Forwarded-Proto", n.browser(t), map[string]string{"X-Forwarded-Proto": "https"}, false)
	base := n.behindProxy(t)
	check("trusted proxy, https", n.clientAt(t, base, "198.51.100.7"), map[string]string{"X-Forwarded-Proto": "https"}, true)
	check("trusted proxy, http", n.clientAt(t, base, "198.51.100.7"), map[string]string{"X-Forwarded-Proto": "http"}, false)
}

// TestSessionFixation proves that the session token changes at sign-in
// (and again at the two-factor step), that the old token is dead, and that
// a token planted by an attacker is never adopted.
func TestSessionFixation(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	ada := n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	b := n.browser(t)
	b.get("/admin/login")
	before := b.token()
	b.signIn("ada@example.org")
	after := b.token()
	if before == "" || after == "" || before == after {
		t.Fatalf("token before %q, after %q", before, after)
	}
	stale := n.browser(t)
	u, _ := url.Parse(stale.base + "/admin/")
	stale.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: before, Path: "/admin/"}})
	if stale.signedIn() {
		t.Error("the pre-sign-in token is signed in")
	}

	planted := n.browser(t)
	planted.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted-by-attacker", Path: "/admin/"}})
	planted.get("/admin/login")
	if planted.token() == "planted-by-attacker" {
		t.Fatal("the server adopted a token it never issued")
	}
	planted.signIn("ada@example.org")

	// Two-factor: a new token after the password, and another after the code.
	secret, _ := n.enrolTOTP(t, ada)
	tf := n.browser(t)
	tf.get("/admin/login")
	t0 := tf.token()
	tf.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
	t1 := tf.token()
	tf.get("/admin/login/code")
	tf.post("/admin/login/code", url.Values{"code": {n.code(t, secret)}})
	t2 := tf.token()
	if t0 == t1 || t1 == t2 || !tf.signedIn() {
		t.Errorf("tokens through two-factor sign-in: %q %q %q", t0, t1, t2)
	}
}

// TestTwoFactorSignInOverHTTP proves that after the password alone the
// session is not signed in (every page sends it to sign in), that only a
// right, unused code completes it, and that a recovery code works once.
func TestTwoFactorSignInOverHTTP(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			ada := n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			secret, recovery := n.enrolTOTP(t, ada)

			b := n.browser(t)
			b.get("/admin/login")
			if p := b.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}}); p.status != http.StatusSeeOther || p.location != "/admin/login/code" {
				t.Fatalf("password step: %d → %q", p.status, p.location)
			}
			for _, path := range []string{"/admin/", "/admin/account", "/admin/users"} {
				if p := b.get(path); p.status != http.StatusSeeOther || p.location != "/admin/login" {
					t.Errorf("%s between password and code: %d → %q", path, p.status, p.location)
				}
			}
			if n.auditCount(t, "sign-in") != 0 {
				t.Error("a sign-in was logged before the code")
			}
			// The login page does not count a half sign-in as signed in.
			if p := b.get("/admin/login"); p.status != http.StatusOK {
				t.Errorf("login page between password and code: %d", p.status)
			}
			if p := b.get("/admin/login/code"); p.status != http.StatusOK || !strings.Contains(p.body, `name="code"`) {
				t.Fatalf("code form: %d", p.status)
			}
			if p := b.post("/admin/login/code", url.Values{"code": {"000000"}}); p.status != http.StatusUnauthorized || !strings.Contains(p.body, "not right or was already used") {
				t.Errorf("wrong code: %d", p.status)
			}
			if b.signedIn() {
				t.Fatal("signed in with a wrong code")
			}
			b.get("/admin/login/code")
			code := n.code(t, secret)
			if p := b.post("/admin/login/code", url.Values{"code": {code}}); p.status != http.StatusSeeOther || p.location != "/admin/" {
				t.Fatalf("right code: %d → %q\n%s", p.status, p.location, p.body)
			}
			if !b.signedIn() {
				t.Fatal("not signed in after the code")
			}

			// The same code from another browser (seen over a shoulder) fails.
			eve := n.browser(t)
			eve.get("/admin/login")
			eve.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
			eve.get("/admin/login/code")
			if p := eve.post("/admin/login/code", url.Values{"code": {code}}); p.status != http.StatusUnauthorized {
				t.Errorf("replayed code: %d", p.status)
			}
			// A recovery code works, once.
			if p := eve.post("/admin/login/code", url.Values{"code": {recovery[0]}}); p.status != http.StatusSeeOther {
				t.Errorf("recovery code: %d", p.status)
			}
			again := n.browser(t)
			again.get("/admin/login")
			again.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
			again.get("/admin/login/code")
			if p := again.post("/admin/login/code", url.Values{"code": {recovery[0]}}); p.status != http.StatusUnauthorized {
				t.Errorf("recovery code twice: %d", p.status)
			}
			// Posting a code with no password step behind it goes nowhere.
			none := n.browser(t)
			none.get("/admin/login")
			if p := none.post("/admin/login/code", url.Values{"code": {n.code(t, secret)}}); p.status != http.StatusSeeOther || p.location != "/admin/login" || none.signedIn() {
				t.Errorf("code without a password: %d → %q", p.status, p.location)
			}
		})
	}
}

var (
	totpSecretRE   = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`)
	recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z0-9-]+)</code></li>`)
)

// TestTwoFactorMandatory proves the site setting: an administrator or chief
// editor without two-factor reaches only the account page until they enrol
// (editors are not covered), and the enrolment itself over HTTP: begin,
// read the secret from the page, confirm with a code, ten recovery codes.
func TestTwoFactorMandatory(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	n.addUser(t, "chief@example.org", "Chief", news.Grant{Role: news.RoleChiefEditor, Channel: "news"})
	n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
	if _, err := n.store.SetSetting(bg, "require_two_factor", true); err != nil {
		t.Fatal(err)
	}
	ed := n.browser(t)
	ed.signIn("ed@example.org")
	if p := ed.get("/admin/"); p.status != http.StatusOK {
		t.Errorf("editor under the setting: %d → %q", p.status, p.location)
	}
	chief := n.browser(t)
	chief.signIn("chief@example.org")
	if p := chief.get("/admin/"); p.status != http.StatusSeeOther || p.location != "/admin/account" {
		t.Errorf("chief editor without two-factor: %d → %q", p.status, p.location)
	}

	b := n.browser(t)
	b.signIn("ada@example.org")
	for _, path := range []string{"/admin/", "/admin/users", "/admin/settings", "/admin/audit", "/admin/channels"} {
		if p := b.get(path); p.status != http.StatusSeeOther || p.location != "/admin/account" {
			t.Errorf("GET %s without two-factor: %d → %q", path, p.status, p.location)
		}
	}
	p := b.get("/admin/account")
	if p.status != http.StatusOK || !strings.Contains(p.body, "requires two-factor sign-in for your role") {
		t.Fatalf("account page: %d", p.status)
	}
	if p := b.post("/admin/account/tokens", url.Values{"name": {"sneaky"}}); p.status != http.StatusSeeOther || p.location != "/admin/account" {
		t.Errorf("POST elsewhere without two-factor: %d → %q", p.status, p.location)
	}

	// Enrolment over HTTP.
	b.get("/admin/account")
	if p := b.post("/admin/account/2fa/begin", nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/account") {
		t.Fatalf("begin: %d → %q", p.status, p.location)
	}
	p = b.get("/admin/account")
	m := totpSecretRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", p.body)
	}
	if !strings.Contains(p.body, `src="data:image/png;base64,`) {
		t.Error("the QR code is not drawn by the server")
	}
	if p := b.post("/admin/account/2fa/confirm", url.Values{"code": {"000000"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("confirm with a wrong code: %d", p.status)
	}
	p = b.post("/admin/account/2fa/confirm", url.Values{"code": {n.code(t, m[1])}})
	codes := recoveryCodeRE.FindAllStringSubmatch(p.body, -1)
	if p.status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirm: %d, %d recovery codes shown\n%s", p.status, len(codes), p.body)
	}
	if p := b.get("/admin/"); p.status != http.StatusOK {
		t.Errorf("dashboard after enrolment: %d → %q", p.status, p.location)
	}
	// Required means it cannot be turned off.
	b.get("/admin/account")
	if p := b.post("/admin/account/2fa/remove", url.Values{"password": {testPassword}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("removing required two-factor: %d", p.status)
	}
	u, _ := n.store.UserByEmail(bg, "ada@example.org")
	if has, _ := n.accounts.HasTOTP(bg, u.ID); !has {
		t.Error("two-factor was removed")
	}
	// The next sign-in asks for a code; one of the recovery codes shown does.
	n.clock.Add(30 * time.Second)
	next := n.browser(t)
	next.get("/admin/login")
	if p := next.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}}); p.location != "/admin/login/code" {
		t.Fatalf("sign in after enrolment: %d → %q", p.status, p.location)
	}
	next.get("/admin/login/code")
	if p := next.post("/admin/login/code", url.Values{"code": {codes[4][1]}}); p.status != http.StatusSeeOther || !next.signedIn() {
		t.Errorf("recovery code from the page: %d", p.status)
	}
}

// sessionRE finds the revoke buttons of the sessions list.
var sessionRE = regexp.MustCompile(`name="session" value="([^"]+)"`)

// TestSessionsPage proves the sessions list shows each signed-in browser,
// that revoking another one signs it out at once, and that nobody can
// revoke a session that is not theirs.
func TestSessionsPage(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
			here, there, bob := n.browser(t), n.browser(t), n.browser(t)
			here.signIn("ada@example.org")
			there.signIn("ada@example.org")
			bob.signIn("bob@example.org")

			p := here.get("/admin/account")
			others := sessionRE.FindAllStringSubmatch(p.body, -1)
			if len(others) != 1 || strings.Count(p.body, "this session") != 1 {
				t.Fatalf("sessions listed: %d others, %d current\n%s", len(others), strings.Count(p.body, "this session"), p.body)
			}
			if others[0][1] != storedSessionName(there.token()) {
				t.Fatal("the other session listed is not the other browser's")
			}
			if strings.Contains(p.body, there.token()) || strings.Contains(p.body, here.token()) {
				t.Fatal("the page shows a session's cookie token")
			}
			// Bob's session is not Ada's to end.
			if p := here.post("/admin/account/sessions/revoke", url.Values{"session": {storedSessionName(bob.token())}}); p.status != http.StatusNotFound {
				t.Errorf("revoking Bob's session: %d", p.status)
			}
			if !bob.signedIn() {
				t.Fatal("Ada ended Bob's session")
			}
			here.get("/admin/account")
			if p := here.post("/admin/account/sessions/revoke", url.Values{"session": {others[0][1]}}); p.status != http.StatusSeeOther {
				t.Fatalf("revoke: %d", p.status)
			}
			if there.signedIn() {
				t.Error("the revoked browser is still signed in")
			}
			if !here.signedIn() {
				t.Error("revoking the other session ended this one")
			}
			if p := here.get("/admin/account"); len(sessionRE.FindAllString(p.body, -1)) != 0 {
				t.Error("the revoked session is still listed")
			}
			if n.auditCount(t, "session.revoke") != 1 {
				t.Error("the revocation is not in the audit log")
			}
		})
	}
}

// TestPasswordChangeEndsOtherSessions proves a password change signs out
// every other browser of the user and keeps (under a new token) this one.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "bob@example.org", "Bob", news.Grant{Role: news.RoleEditor})
			here, there, bob := n.browser(t), n.browser(t), n.browser(t)
			here.signIn("ada@example.org")
			there.signIn("ada@example.org")
			bob.signIn("bob@example.org")
			before := here.token()
			here.get("/admin/account")
			if p := here.post("/admin/account/password", url.Values{"current": {"not-the-password"}, "password": {"Quiet-Lantern-Meadow-57"}}); p.status != http.StatusUnprocessableEntity {
				t.Errorf("wrong current password: %d", p.status)
			}
			if !there.signedIn() {
				t.Fatal("a refused change ended a session")
			}
			if p := here.post("/admin/account/password", url.Values{"current": {testPassword}, "password": {"Quiet-Lantern-Meadow-57"}}); p.status != http.StatusSeeOther {
				t.Fatalf("change: %d\n%s", p.status, p.body)
			}
			if there.signedIn() {
				t.Error("the other browser is still signed in after a password change")
			}
			if !here.signedIn() || here.token() == before {
				t.Error("this browser should stay signed in under a new token")
			}
			if !bob.signedIn() {
				t.Error("another user's session ended")
			}
			if _, err := n.accounts.SignIn(bg, "ada@example.org", "Quiet-Lantern-Meadow-57", "192.0.2.1"); err != nil {
				t.Errorf("new password: %v", err)
			}
		})
	}
}

// TestNoOpenRedirect proves that the page remembered for after sign-in is
// always a path inside the newsroom: a query cannot name another site, a
// request addressed to another host still comes back as a path, and the
// language switch ignores foreign or protocol-relative referrers.
func TestNoOpenRedirect(t *testing.T) {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	signInFrom := func(b *browser, path string) string {
		t.Helper()
		if p := b.get(path); p.status != http.StatusSeeOther || p.location != "/admin/login" {
			t.Fatalf("GET %s signed out: %d → %q", path, p.status, p.location)
		}
		b.get("/admin/login")
		p := b.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("sign in from %s: %d", path, p.status)
		}
		return p.location
	}
	for _, path := range []string{
		"/admin/users?next=https://evil.example/",
		"/admin/users?//evil.example",
		"/admin/account?q=%2F%2Fevil.example",
	} {
		loc := signInFrom(n.browser(t), path)
		if loc != path {
			t.Errorf("after sign-in from %s: sent to %q", path, loc)
		}
		if u, err := url.Parse(loc); err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/admin/") {
			t.Errorf("redirect %q leaves the newsroom", loc)
		}
	}

	// A request in absolute form for another host, as sent through a proxy:
	// the remembered page is its path only.
	srv, _ := url.Parse(n.srv.URL)
	evil := n.browser(t)
	evil.base = "http://evil.example"
	evil.c.Transport = &http.Transport{Proxy: http.ProxyURL(srv)}
	if loc := signInFrom(evil, "/admin/users"); loc != "/admin/users" {
		t.Errorf("absolute-form request: sent to %q", loc)
	}

	// The language switch goes back to the referring newsroom page only.
	b := n.browser(t)
	for referer, want := range map[string]string{
		"http://evil.example/admin/users":   "/admin/",
		n.srv.URL + "//evil.example/admin/": "/admin/",
		n.srv.URL + "/admin/account":        "/admin/account",
		n.srv.URL + "/en/":                  "/admin/",
		"":                                  "/admin/",
	} {
		req, _ := http.NewRequest("GET", b.base+"/admin/lang/zh", nil)
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		if p := b.do(req); p.status != http.StatusSeeOther || p.location != want {
			t.Errorf("language switch from %q: %d → %q, want %q", referer, p.status, p.location, want)
		}
	}
}

// TestOddBytesInForms proves that input no database can store as text
// (invalid UTF-8, NUL bytes) in the sign-in form or the User-Agent is an
// ordinary failed sign-in or a working session, never a server error, on
// both databases (PostgreSQL refuses such text).
func TestOddBytesInForms(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			b := n.browser(t)
			b.get("/admin/login")
			for _, email := range []string{"\xff\xfe@example.org", "ada\x00@example.org", "ada@example.org\x00", strings.Repeat("é", 200) + "@example.org"} {
				for _, pw := range []string{testPassword, "\xff" + testPassword, "x\x00y"} {
					p := b.post("/admin/login", url.Values{"email": {email}, "password": {pw}})
					if p.status != http.StatusUnauthorized && p.status != http.StatusTooManyRequests {
						t.Errorf("email %q, password %q: %d", email, pw, p.status)
					}
				}
			}
			if b.signedIn() {
				t.Fatal("signed in with a malformed email")
			}
			// A long non-ASCII browser name is cut to fit the sessions list
			// without splitting a character.
			n.clock.Add(time.Hour)
			ua := n.browser(t)
			ua.c.Transport = forwarded{map[string]string{"User-Agent": strings.Repeat("a", 199) + "éé\xff"}}
			ua.signIn("ada@example.org")
			if !ua.signedIn() {
				t.Fatal("not signed in")
			}
			if p := ua.get("/admin/account"); p.status != http.StatusOK {
				t.Errorf("sessions page with an odd browser name: %d", p.status)
			}
			if _, err := n.store.VerifyAudit(bg); err != nil {
				t.Errorf("audit chain after odd input: %v", err)
			}
		})
	}
}
