package admin_test

// Helpers of the newsroom's browser tests (browser_test.go): one headless
// Chromium for the whole of TestBrowser, a window with its own cookies for
// each signed-in person, and axe-core run inside the page.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"newsdesk/internal/browsertest"
)

// startChromium starts one headless Chromium for t and its subtests and
// returns the context of its first tab, which owns the browser.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, browsertest.Path(t, "the newsroom browser tests"), 4*time.Minute)
}

// chromeTab is one tab of the shared Chromium, in a browser context of its
// own: its own cookies, like a separate private window. Its methods fail the
// test that opened it.
type chromeTab struct {
	t    testing.TB
	ctx  context.Context
	base string // the newsroom's URL, without the final slash
}

// newTab opens a chromeTab in root's browser for t; it closes when t ends.
func newTab(t *testing.T, root context.Context, base string) *chromeTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab; it must not carry a timeout, which would
	// close the tab when it expires. Later steps use chromeRun.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`1`)); err != nil {
		t.Fatalf("open a Chromium window: %v", err)
	}
	return &chromeTab{t: t, ctx: ctx, base: base}
}

// stepTimeout bounds every browser step.
const stepTimeout = 20 * time.Second

// chromeRun runs one browser action with a time limit and fails the test on
// error.
func chromeRun[T any](c *chromeTab, what string, a chromedp.Action[T]) T {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs actions that return nothing.
func (c *chromeTab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	chromeRun(c, what, chromedp.Steps(actions...))
}

// js evaluates a JavaScript expression whose value is a string.
func (c *chromeTab) js(expr string) string {
	c.t.Helper()
	return chromeRun(c, expr, chromedp.Evaluate[string](expr))
}

// load runs actions that make the tab load a new document (a click on a
// submit button, a key press, a navigation), waits for it, and returns the
// HTTP status of the document it ended at.
func (c *chromeTab) load(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	return statusOf(resp)
}

// open navigates to a path of the newsroom (or a full URL) and returns the
// status of the document it ends at.
func (c *chromeTab) open(path string) int64 {
	c.t.Helper()
	url := path
	if strings.HasPrefix(path, "/") {
		url = c.base + path
	}
	return statusOf(chromeRun(c, "open "+url, chromedp.NavigateResponse(url)))
}

func statusOf(resp *network.Response) int64 {
	if resp == nil {
		return 0
	}
	return resp.Status
}

// at is the path and query of the tab's current URL.
func (c *chromeTab) at() string {
	c.t.Helper()
	return c.js(`location.pathname + location.search`)
}

// wantAt fails the test unless the tab is at want (a path with its query).
func (c *chromeTab) wantAt(want string) {
	c.t.Helper()
	if got := c.at(); got != want {
		c.t.Fatalf("at %s, want %s; the page says:\n%s", got, want, c.text())
	}
}

// h1 is the page's main heading.
func (c *chromeTab) h1() string {
	c.t.Helper()
	return c.js(`(document.querySelector('h1') || {textContent: ''}).textContent.trim()`)
}

// text is the visible text of the page's main element, for messages.
func (c *chromeTab) text() string {
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main') || document.body).innerText`))
	if err != nil {
		return "(no text: " + err.Error() + ")"
	}
	return s
}

// count is the number of elements the CSS selector matches now.
func (c *chromeTab) count(sel string) int {
	c.t.Helper()
	return chromeRun(c, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// signIn signs in on the form at /admin/login by typing, as a person does,
// and returns the path it ends at.
func (c *chromeTab) signIn(email, password string) string {
	c.t.Helper()
	c.open("/admin/login")
	c.do("type email and password",
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", password))
	c.load("submit sign-in", chromedp.Click(`main form button[type=submit]`))
	return c.at()
}

// signOut presses the header's sign-out button and checks it lands on the
// sign-in page.
func (c *chromeTab) signOut() {
	c.t.Helper()
	c.load("sign out", chromedp.Click(`header form.signout button`))
	c.wantAt("/admin/login")
}

// axeSource is axe.min.js, read from NEWSDESK_AXE. Without it the check
// fails under CI=true and is skipped loudly otherwise.
func axeSource(t testing.TB) string {
	t.Helper()
	p := os.Getenv("NEWSDESK_AXE")
	if p == "" {
		msg := "NEWSDESK_AXE is not set (the path of axe-core's axe.min.js)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI=true, the accessibility checks must run. Run scripts/test, which installs axe-core and sets it.", msg)
		}
		t.Skipf("!!! SKIPPING the axe-core accessibility checks: %s. Run scripts/test, or install axe-core with npm and set NEWSDESK_AXE.", msg)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("NEWSDESK_AXE: %v", err)
	}
	return string(b)
}

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n      %s  %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n        %s", strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
	}
	return b.String()
}

const axeRunJS = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary || ''})),
})))`

// runAxe injects axe-core into the tab's current page and returns what it
// finds wrong there.
func (c *chromeTab) runAxe(src, what string) []axeViolation {
	c.t.Helper()
	// Runtime.evaluate is not subject to the page's Content-Security-Policy.
	chromeRun(c, "inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	if ok := chromeRun(c, "axe loaded", chromedp.Evaluate[bool](`typeof axe === 'object' && typeof axe.run === 'function'`)); !ok {
		c.t.Fatalf("%s: axe-core did not load in the page", what)
	}
	return chromeRun(c, "axe.run on "+what, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
}

// checkAxe runs axe-core in the tab's current page. Serious and critical
// violations fail t; others are logged.
func (c *chromeTab) checkAxe(src, what string) {
	t := c.t
	t.Helper()
	vs := c.runAxe(src, what)
	var bad []string
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, "  "+v.String())
		} else {
			t.Logf("axe on %s (not failing): %s", what, v)
		}
	}
	if len(bad) > 0 {
		t.Errorf("axe-core on %s (%s): %d serious or critical violation(s):\n%s", what, c.at(), len(bad), strings.Join(bad, "\n"))
	}
}
