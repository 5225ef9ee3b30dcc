package site_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeJS is axe-core's axe.min.js from NEWSDESK_AXE, or the test is skipped
// loudly (failed when CI=true).
func axeJS(t *testing.T) string {
	t.Helper()
	p := os.Getenv("NEWSDESK_AXE")
	if p == "" {
		msg := "NEWSDESK_AXE is not set (the path of axe-core's axe.min.js)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI=true, the accessibility checks must run", msg)
		}
		t.Skipf("!!! SKIPPING the search page's axe-core check: %s. Run scripts/test.", msg)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("NEWSDESK_AXE: %v", err)
	}
	return string(b)
}

type searchAxeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// TestSearchPageInBrowser drives the search in Chromium: typing in the
// masthead box and submitting (no JavaScript of ours is involved), the
// highlighted results, the filters, and axe-core finding no serious or
// critical accessibility problem on the result and no-result pages.
func TestSearchPageInBrowser(t *testing.T) {
	axe := axeJS(t)
	p := searchPortal(t, "sqlite")
	tab := hostileTab(t)

	hostileStep(t, tab, "open home", chromedp.Navigate(p.srv.URL+"/en/"))
	hostileStep(t, tab, "type", chromedp.SendKeys(`#site-q`, "turbines"))
	hostileStep(t, tab, "submit", chromedp.Submit(`#site-q`))
	hostileStep(t, tab, "results", chromedp.WaitVisible(`ol.results`))
	loc := hostileStep(t, tab, "location", chromedp.Location())
	if !strings.Contains(loc, "/en/search?q=turbines") {
		t.Errorf("the masthead box went to %s", loc)
	}
	marks := hostileStep(t, tab, "marks", chromedp.Evaluate[[]string](`[...document.querySelectorAll('ol.results mark')].map(m => m.textContent)`))
	if len(marks) == 0 || !strings.EqualFold(marks[0], "turbines") {
		t.Errorf("highlighted words %v, want turbines", marks)
	}
	// The filters are a plain form: choose a channel and submit.
	hostileStep(t, tab, "channel", chromedp.SetValue(`#search-channel`, "policies"))
	hostileStep(t, tab, "submit filters", chromedp.Submit(`#search-q`))
	hostileStep(t, tab, "no results", chromedp.WaitVisible(`.suggestions`))

	for _, path := range []string{"/en/search?q=turbines", "/en/search?q=zzz&channel=policies", "/zh/search?q=" + url.QueryEscape("能源"), "/en/search"} {
		hostileStep(t, tab, "open "+path, chromedp.Navigate(p.srv.URL+path))
		hostileStep(t, tab, "inject axe", chromedp.Evaluate[chromedp.Void](axe))
		vs := hostileStep(t, tab, "axe "+path, chromedp.Evaluate[[]searchAxeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
			ID: v.id, Impact: v.impact || '', Help: v.help, Nodes: v.nodes.map(n => n.html)})))`, chromedp.EvalAwaitPromise))
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("axe on %s: %s (%s): %s %v", path, v.ID, v.Impact, v.Help, v.Nodes)
			} else {
				t.Logf("axe on %s (not failing): %s (%s): %s", path, v.ID, v.Impact, v.Help)
			}
		}
	}
}
