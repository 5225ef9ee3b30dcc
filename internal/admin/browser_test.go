package admin_test

// The newsroom in a real browser: headless Chromium driven by chromedp signs
// in with a password and with a two-factor code, enrols two-factor sign-in,
// revokes another session, manages a channel, works from the keyboard alone,
// and axe-core finds no serious or critical accessibility problem on any
// admin page. SQLite is enough here; the flows' logic is tested on both
// databases elsewhere.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
)

const browserDialect = "sqlite"

// TestBrowser shares one Chromium among its subtests; each subtest has its
// own newsroom and its own browser contexts (cookie jars).
func TestBrowser(t *testing.T) {
	start := time.Now()
	root := startChromium(t)
	t.Cleanup(func() { t.Logf("browser tests took %v", time.Since(start).Round(time.Millisecond)) })

	t.Run("SignInWithPassword", func(t *testing.T) { browserSignIn(t, root) })
	t.Run("EnrolTwoFactor", func(t *testing.T) { browserTwoFactor(t, root) })
	t.Run("RevokeSession", func(t *testing.T) { browserRevokeSession(t, root) })
	t.Run("KeyboardOnly", func(t *testing.T) { browserKeyboard(t, root) })
	t.Run("ManageChannel", func(t *testing.T) { browserManageChannel(t, root) })
	t.Run("Axe", func(t *testing.T) { browserAxe(t, root) })
}

func browserSignIn(t *testing.T, root context.Context) {
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	tab := newTab(t, root, n.srv.URL)

	tab.open("/admin/")
	tab.wantAt("/admin/login")
	if got := tab.h1(); got != "Sign in" {
		t.Fatalf("sign-in page h1 %q", got)
	}
	// A wrong password keeps the person on the form with a message.
	tab.do("type a wrong password",
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", "not the password at all"))
	if st := tab.load("submit a wrong password", chromedp.Click(`main form button[type=submit]`)); st != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d", st)
	}
	if msg := tab.js(`(document.querySelector('[role=alert]') || {textContent: ''}).textContent`); !strings.Contains(msg, "The email or password is not right.") {
		t.Errorf("wrong password: alert %q", msg)
	}

	if got := tab.signIn("ada@example.org", testPassword); got != "/admin/" {
		t.Fatalf("after sign-in at %s:\n%s", got, tab.text())
	}
	if got := tab.h1(); got != "Dashboard" {
		t.Fatalf("dashboard h1 %q", got)
	}
	if who := tab.js(`document.querySelector('header .who').textContent`); who != "Signed in as Ada Lovelace" {
		t.Errorf("header says %q", who)
	}
	tab.signOut()
	tab.open("/admin/")
	tab.wantAt("/admin/login")
}

func browserTwoFactor(t *testing.T, root context.Context) {
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "grace@example.org", "Grace Hopper", news.Grant{Role: news.RoleEditor, Channel: "news"})
	tab := newTab(t, root, n.srv.URL)
	if got := tab.signIn("grace@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign in at %s:\n%s", got, tab.text())
	}

	// Enrol.
	tab.open("/admin/account")
	tab.load("turn on two-factor", chromedp.Click(`//main//button[normalize-space(.)="Turn on two-factor sign-in"]`))
	tab.wantAt("/admin/account")
	secret := strings.TrimSpace(chromeRun(tab, "read the secret", chromedp.Text(`code#totp-secret`)))
	if !regexp.MustCompile(`^[A-Z2-7]{16,}=*$`).MatchString(secret) {
		t.Fatalf("secret %q is not base32", secret)
	}
	if alt := tab.js(`document.querySelector('img[src^="data:image/png;base64,"]').alt`); !strings.HasPrefix(alt, "QR code: otpauth://totp/") {
		t.Errorf("QR code alt %q", alt)
	}
	code, err := totp.GenerateCode(secret, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.do("type the code", chromedp.SendKeys("#totp-code", code))
	tab.load("confirm", chromedp.Click(`//main//button[normalize-space(.)="Confirm"]`))
	if got := tab.count(`.recovery ul.codes li code`); got != 10 {
		t.Fatalf("%d recovery codes shown, want 10:\n%s", got, tab.text())
	}
	if flash := tab.js(`document.querySelector('.flash').textContent`); flash != "Two-factor sign-in is now on." {
		t.Errorf("flash %q", flash)
	}
	tab.signOut()

	// Sign in again: the password leads to the code page.
	if got := tab.signIn("grace@example.org", testPassword); got != "/admin/login/code" {
		t.Fatalf("with two-factor on, the password led to %s:\n%s", got, tab.text())
	}
	if got := tab.h1(); got != "Enter your code" {
		t.Errorf("code page h1 %q", got)
	}
	// A new time step, so the code is not the one already used.
	n.clock.Add(30 * time.Second)
	code, err = totp.GenerateCode(secret, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.do("type the code", chromedp.SendKeys("#code", code))
	tab.load("verify", chromedp.Click(`main form button[type=submit]`))
	tab.wantAt("/admin/")
	if got := tab.h1(); got != "Dashboard" {
		t.Fatalf("after the code, h1 %q", got)
	}
}

func browserRevokeSession(t *testing.T, root context.Context) {
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	first := newTab(t, root, n.srv.URL)
	second := newTab(t, root, n.srv.URL)
	for _, tab := range []*chromeTab{first, second} {
		if got := tab.signIn("ada@example.org", testPassword); got != "/admin/" {
			t.Fatalf("sign in at %s:\n%s", got, tab.text())
		}
	}

	first.open("/admin/account")
	rows := `section[aria-labelledby=sess-h] tbody tr`
	if got := first.count(rows); got != 2 {
		t.Fatalf("%d sessions listed, want 2:\n%s", got, first.text())
	}
	if got := first.count(rows + ` button`); got != 1 {
		t.Fatalf("%d revoke buttons, want 1 (not on this session)", got)
	}
	first.load("revoke the other session", chromedp.Click(rows+` button`))
	first.wantAt("/admin/account")
	if flash := first.js(`document.querySelector('.flash').textContent`); flash != "The session was signed out." {
		t.Errorf("flash %q", flash)
	}
	if got := first.count(rows); got != 1 {
		t.Errorf("%d sessions listed after revoking, want 1", got)
	}

	second.open("/admin/")
	second.wantAt("/admin/login")
	// The revoking session itself goes on.
	first.open("/admin/")
	first.wantAt("/admin/")
}

// browserKeyboard checks the sign-in page can be used with the keyboard
// alone: Tab order, the skip link, and Enter to submit.
func browserKeyboard(t *testing.T, root context.Context) {
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	tab := newTab(t, root, n.srv.URL)
	tab.open("/admin/login")

	// focused describes document.activeElement: tag#id or tag.class text.
	focused := func() string {
		return tab.js(`(() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
			let s = e.tagName.toLowerCase(); if (e.id) s += '#' + e.id; else if (e.className) s += '.' + e.className.split(' ').join('.');
			if (e.tagName === 'BUTTON' || e.tagName === 'A') s += ' ' + JSON.stringify(e.textContent.trim()); return s })()`)
	}
	tabKey := func() string {
		tab.do("press Tab", chromedp.KeyEvent(kb.Tab))
		return focused()
	}

	// The whole order from the top of the page.
	want := []string{`a.skip "Skip to content"`, `a "National Energy Administration · Newsroom"`, `a "中文"`,
		`input#email`, `input#password`, `button "Sign in"`}
	for i, w := range want {
		if got := tabKey(); got != w {
			t.Fatalf("Tab %d focuses %s, want %s", i+1, got, w)
		}
	}
	// The skip link shows itself when focused and leads past the header.
	tab.open("/admin/login")
	if got := tabKey(); got != want[0] {
		t.Fatalf("first Tab focuses %s, want the skip link", got)
	}
	if left := chromeRun(tab, "skip link position", chromedp.Evaluate[float64](`document.activeElement.getBoundingClientRect().left`)); left < 0 {
		t.Errorf("the focused skip link is off screen (left %v)", left)
	}
	tab.do("follow the skip link", chromedp.KeyEvent(kb.Enter))
	if h := tab.js(`location.hash`); h != "#content" {
		t.Errorf("after Enter on the skip link the URL hash is %q", h)
	}
	for _, w := range want[3:] {
		if got := tabKey(); got != w {
			t.Fatalf("after the skip link Tab focuses %s, want %s", got, w)
		}
	}
	// Focus is visible: the focused button has an outline.
	if o := tab.js(`getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
		t.Errorf("the focused button shows no outline")
	}

	// Type the credentials and press Enter in the password field.
	tab.open("/admin/login")
	for range 4 {
		tabKey()
	}
	if got := focused(); got != "input#email" {
		t.Fatalf("focus on %s, want the email field", got)
	}
	tab.do("type the email", chromedp.KeyEvent("ada@example.org"))
	if got := tabKey(); got != "input#password" {
		t.Fatalf("focus on %s, want the password field", got)
	}
	tab.do("type the password", chromedp.KeyEvent(testPassword))
	tab.load("press Enter in the password field", chromedp.KeyEvent(kb.Enter))
	tab.wantAt("/admin/")
	if got := tab.h1(); got != "Dashboard" {
		t.Fatalf("after Enter, h1 %q", got)
	}
}

// browserManageChannel creates, renames, shows and deletes a sub-channel in
// the channel management page, as a site administrator.
func browserManageChannel(t *testing.T, root context.Context) {
	ctx := context.Background()
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	tab := newTab(t, root, n.srv.URL)
	if got := tab.signIn("ada@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign in at %s:\n%s", got, tab.text())
	}
	// The page is reached from the navigation.
	tab.load("go to Channels", chromedp.Click(`nav.sections a[href="/admin/channels"]`))
	tab.wantAt("/admin/channels")
	if got := tab.h1(); got != "Channels" {
		t.Fatalf("channels page h1 %q", got)
	}
	newsCh, err := n.store.ChannelByPath(ctx, "news")
	if err != nil {
		t.Fatal(err)
	}
	flash := func() string {
		return tab.js(`(document.querySelector('main .flash') || {textContent: ''}).textContent`)
	}
	problems := func() string {
		return tab.js(`Array.from(document.querySelectorAll('main .problem')).map(e => e.textContent).join(' | ')`)
	}

	// Create news/energy-storage with an English and a Chinese name.
	tab.do("fill in the new channel",
		chromedp.SetValue(`#new-parent`, itoa(newsCh.ID)),
		chromedp.SendKeys(`#new-slug`, "energy-storage"),
		chromedp.SendKeys(`#new-name-en`, "Energy storage"),
		chromedp.SendKeys(`#new-name-zh`, "储能"))
	if st := tab.load("create", chromedp.Click(`section[aria-labelledby=new-h] form button[type=submit]`)); st != http.StatusOK {
		t.Fatalf("create: status %d: %s\n%s", st, problems(), tab.text())
	}
	tab.wantAt("/admin/channels")
	if f := flash(); !strings.Contains(f, "news/energy-storage") {
		t.Errorf("after create the flash says %q", f)
	}
	made, err := n.store.ChannelByPath(ctx, "news/energy-storage")
	if err != nil {
		t.Fatalf("the channel was not created: %v", err)
	}
	if made.ParentID != newsCh.ID || made.Name["en"] != "Energy storage" || made.Name["zh"] != "储能" {
		t.Fatalf("created %+v", made)
	}
	id := "ch" + itoa(made.ID) + "-"
	node := `//main//details[summary/code[.="news/energy-storage"]]`
	if got := chromeRun(tab, "the new channel in the tree", chromedp.Text(node+`/summary`)); !strings.Contains(got, "Energy storage") {
		t.Errorf("the tree shows %q", got)
	}

	// Rename it in both languages: open its details, retype the names, save.
	tab.do("open the channel", chromedp.Click(node+`/summary`))
	tab.do("rename",
		chromedp.Clear("#"+id+"name-en"),
		chromedp.SendKeys("#"+id+"name-en", "Grid storage"),
		chromedp.Clear("#"+id+"name-zh"),
		chromedp.SendKeys("#"+id+"name-zh", "电网储能"))
	if st := tab.load("save", chromedp.Click(fmt.Sprintf(`form[action="/admin/channels/%d"] button[type=submit]`, made.ID))); st != http.StatusOK {
		t.Fatalf("rename: status %d: %s\n%s", st, problems(), tab.text())
	}
	if f := flash(); !strings.Contains(f, "news/energy-storage") {
		t.Errorf("after renaming the flash says %q", f)
	}

	// The public channel pages list it under its new names. They may be
	// cached for 30 s, so this tab skips its cache to see each change.
	tab.do("disable the HTTP cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))
	subchannels := func(lang string) []string {
		if st := tab.open("/" + lang + "/news/"); st != http.StatusOK {
			t.Fatalf("/%s/news/: status %d", lang, st)
		}
		return chromeRun(tab, "sub-channels", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('ul.subchannels a')).map(a => a.textContent.trim() + ' ' + new URL(a.href).pathname)`))
	}
	for lang, want := range map[string]string{"en": "Grid storage /en/news/energy-storage/", "zh": "电网储能 /zh/news/energy-storage/"} {
		if got := subchannels(lang); !slices.Contains(got, want) {
			t.Errorf("/%s/news/ lists %q, want %q among them", lang, got, want)
		}
	}
	if st := tab.open("/en/news/energy-storage/"); st != http.StatusOK {
		t.Errorf("/en/news/energy-storage/: status %d", st)
	} else if got := tab.h1(); got != "Grid storage" {
		t.Errorf("/en/news/energy-storage/ h1 %q", got)
	}

	// Delete it: it holds nothing.
	tab.open("/admin/channels")
	tab.do("open the channel", chromedp.Click(node+`/summary`))
	if st := tab.load("delete", chromedp.Click(fmt.Sprintf(`form[action="/admin/channels/%d/delete"] button[type=submit]`, made.ID))); st != http.StatusOK {
		t.Fatalf("delete: status %d: %s\n%s", st, problems(), tab.text())
	}
	if f := flash(); !strings.Contains(f, "news/energy-storage") {
		t.Errorf("after deleting the flash says %q", f)
	}
	if got := tab.count(`main details code`); got == 0 {
		t.Errorf("the tree is empty after deleting one channel")
	}
	if _, err := n.store.ChannelByPath(ctx, "news/energy-storage"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("after deleting, the store has the channel: %v", err)
	}
	if got := subchannels("en"); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "energy-storage") }) {
		t.Errorf("/en/news/ still lists the deleted channel: %q", got)
	}
	// A non-empty channel offers no delete button.
	china, err := n.store.ChannelByPath(ctx, "news/china")
	if err != nil {
		t.Fatal(err)
	}
	tab.open("/admin/channels")
	if got := tab.count(fmt.Sprintf(`form[action="/admin/channels/%d/delete"]`, china.ID)); got != 0 {
		t.Errorf("news/china has sub-channels but offers %d delete form(s)", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// browserAxe runs axe-core in every admin page, in English, and the sign-in,
// dashboard and account pages in Chinese too.
func browserAxe(t *testing.T, root context.Context) {
	src := axeSource(t)
	ctx := context.Background()
	n := newNewsroom(t, browserDialect)

	// First set-up, while the site has no administrator.
	setup, err := n.accounts.SetupLink(ctx)
	if err != nil || setup == "" {
		t.Fatalf("setup link %q: %v", setup, err)
	}
	anon := newTab(t, root, n.srv.URL)

	// First, that the checker works: a page with an unlabelled field and an
	// image without a text alternative.
	anon.open(`data:text/html,<!DOCTYPE html><html lang="en"><title>t</title><main><h1>t</h1><img src="x.png"><input name="q"></main>`)
	found := map[string]string{}
	for _, v := range anon.runAxe(src, "a broken page") {
		found[v.ID] = v.Impact
	}
	if found["label"] != "critical" || found["image-alt"] != "critical" {
		t.Fatalf("axe-core missed the broken page's problems: found %v", found)
	}
	checkStatus := func(tab *chromeTab, path string, status int64, wantH1 string) {
		t.Helper()
		if st := tab.open(path); st != status {
			t.Fatalf("%s: status %d, want %d\n%s", path, st, status, tab.text())
		}
		if wantH1 != "" {
			if got := tab.h1(); got != wantH1 {
				t.Fatalf("%s: h1 %q, want %q", path, got, wantH1)
			}
		}
		tab.checkAxe(src, path+" ("+tab.js(`document.documentElement.lang`)+")")
	}
	check := func(tab *chromeTab, path, wantH1 string) {
		t.Helper()
		checkStatus(tab, path, http.StatusOK, wantH1)
	}
	check(anon, "/admin/setup?token="+setup, "Set up Newsdesk")

	admin := n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	_, invite, err := n.accounts.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: "lin@example.org", Name: "Lin Hui",
		Grants: []news.Grant{{Role: news.RoleContributor, Channel: "news/china"}}})
	if err != nil || invite == "" {
		t.Fatalf("invite %q: %v", invite, err)
	}
	check(anon, "/admin/invite?token="+invite, "Set your password")
	check(anon, "/admin/login", "Sign in")
	checkStatus(anon, "/admin/no-such-page", http.StatusNotFound, "Error")

	// The code page, after the password of a user with two-factor on.
	ed := n.addUser(t, "grace@example.org", "Grace Hopper", news.Grant{Role: news.RoleEditor, Channel: "news"})
	enrol(t, n, ed)
	if got := anon.signIn("grace@example.org", testPassword); got != "/admin/login/code" {
		t.Fatalf("2FA user's password led to %s", got)
	}
	check(anon, "/admin/login/code", "Enter your code")

	// Signed in as the administrator.
	tab := newTab(t, root, n.srv.URL)
	if got := tab.signIn("ada@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign in at %s:\n%s", got, tab.text())
	}
	check(tab, "/admin/", "Dashboard")
	check(tab, "/admin/account", "My account")
	// With the QR code of an enrolment shown...
	tab.load("turn on two-factor", chromedp.Click(`//main//button[normalize-space(.)="Turn on two-factor sign-in"]`))
	secret := strings.TrimSpace(chromeRun(tab, "read the secret", chromedp.Text(`code#totp-secret`)))
	tab.checkAxe(src, "/admin/account with the QR code")
	// ...and with the recovery codes.
	code, err := totp.GenerateCode(secret, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.do("type the code", chromedp.SendKeys("#totp-code", code))
	tab.load("confirm", chromedp.Click(`//main//button[normalize-space(.)="Confirm"]`))
	if got := tab.count(`.recovery ul.codes li`); got != 10 {
		t.Fatalf("%d recovery codes shown, want 10", got)
	}
	tab.checkAxe(src, "/admin/account with the recovery codes")
	// A new API token shown once.
	tab.open("/admin/account")
	tab.do("name a token", chromedp.SendKeys("#token-name", "wire feed"))
	tab.load("create a token", chromedp.Click(`//main//button[normalize-space(.)="Create token"]`))
	if got := tab.count(`code#new-token`); got != 1 {
		t.Fatalf("the new token is not shown:\n%s", tab.text())
	}
	tab.checkAxe(src, "/admin/account with a new API token")

	// The site-administration pages.
	for _, p := range []struct{ path, label string }{
		{"/admin/users", "Users"},
		{fmt.Sprintf("/admin/users/%d", admin.ID), ""},
		{"/admin/channels", "Channels"},
		{"/admin/pages", "Footer pages"},
		{"/admin/settings", "Settings"},
		{"/admin/audit", "Audit log"},
		{"/admin/webhooks", "Webhooks"},
	} {
		if st := tab.open(p.path); st != http.StatusOK {
			t.Errorf("%s: status %d\n%s", p.path, st, tab.text())
			continue
		}
		if p.label != "" {
			if got := tab.h1(); got != p.label {
				t.Errorf("%s: h1 %q, want %q", p.path, got, p.label)
			}
		}
		tab.checkAxe(src, p.path)
	}
	// Adding a webhook endpoint shows its generated secret once, and the
	// endpoint in the table.
	tab.open("/admin/webhooks")
	tab.do("type an endpoint", chromedp.SendKeys("#wh-url", "https://partner.example.org/hooks/news"))
	if st := tab.load("add the endpoint", chromedp.Click(`section[aria-labelledby=add-h] form button[type=submit]`)); st != http.StatusOK {
		t.Errorf("add a webhook: status %d", st)
	}
	if text := tab.text(); !strings.Contains(text, "shown only now") || tab.count(`section[aria-labelledby=hooks-h] table tbody tr`) != 1 {
		t.Errorf("after adding a webhook:\n%s", text)
	}
	tab.checkAxe(src, "/admin/webhooks with an endpoint")
	// A refused form shows its problems beside its fields.
	tab.open("/admin/channels")
	tab.do("type a bad slug", chromedp.SendKeys(`#new-slug`, "Not a slug!"), chromedp.SendKeys(`#new-name-en`, "Bad"))
	if st := tab.load("create", chromedp.Click(`section[aria-labelledby=new-h] form button[type=submit]`)); st != http.StatusUnprocessableEntity {
		t.Errorf("a bad channel: status %d, want 422", st)
	}
	if got := tab.count(`#new-slug[aria-invalid=true]`); got != 1 {
		t.Errorf("the refused channel form does not mark the slug invalid:\n%s", tab.text())
	}
	tab.checkAxe(src, "/admin/channels with a refused form")

	// Chinese: the sign-in page signed out, then the dashboard and account.
	zh := newTab(t, root, n.srv.URL)
	zh.open("/admin/login")
	zh.load("switch to Chinese", chromedp.Click(`header a[lang="zh-Hans"]`))
	zh.wantAt("/admin/login")
	check(zh, "/admin/login", "登录")
	zh.do("type email and password",
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", testPassword))
	zh.load("submit sign-in", chromedp.Click(`main form button[type=submit]`))
	// Ada turned two-factor on above: the code page, in Chinese too.
	zh.wantAt("/admin/login/code")
	check(zh, "/admin/login/code", "输入验证码")
	n.clock.Add(30 * time.Second)
	if code, err = totp.GenerateCode(secret, n.clock.Now()); err != nil {
		t.Fatal(err)
	}
	zh.do("type the code", chromedp.SendKeys("#code", code))
	zh.load("verify", chromedp.Click(`main form button[type=submit]`))
	zh.wantAt("/admin/")
	check(zh, "/admin/", "工作台")
	check(zh, "/admin/account", "我的账户")
}

// enrol turns on two-factor sign-in for u through the accounts service and
// returns the secret.
func enrol(t *testing.T, n *newsroom, u news.User) string {
	t.Helper()
	a := accounts.Actor{User: u, IP: "127.0.0.1"}
	e, err := n.accounts.BeginTOTP(a)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(e.Secret, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.accounts.ConfirmTOTP(context.Background(), a, e.Secret, code); err != nil {
		t.Fatal(err)
	}
	return e.Secret
}
