package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"newsdesk/internal/browsertest"
	"newsdesk/internal/web"
)

// recordCSP runs before every document and keeps each Content-Security-
// Policy violation the page causes.
const recordCSP = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

type sharedView struct {
	CSP        []string `json:"csp"`
	LDType     string   `json:"ldType"`
	LDHeadline string   `json:"ldHeadline"`
	OGURL      string   `json:"ogURL"`
	Feeds      []string `json:"feeds"`
}

// TestStructuredDataInChromium: under the portal's own CSP (not bypassed),
// the article page's JSON-LD is read as data, causes no policy violation,
// and the advertised feeds resolve to this site.
func TestStructuredDataInChromium(t *testing.T) {
	path := browsertest.Path(t, "the structured-data browser check")
	browser := browsertest.Start(t, path, 2*time.Minute, chromedp.Flag("proxy-server", "http://127.0.0.1:9"))
	p := newPortal(t, "sqlite")
	ctx, cancel := context.WithTimeout(browser, time.Minute)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordCSP})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	// First prove the check sees violations: inline script under the same
	// headers is blocked and reported.
	ctl := httptest.NewServer(web.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><title>x</title><script>window.ran = 1</script></head><body></body></html>`))
	})))
	defer ctl.Close()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(ctl.URL)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__csp.length`)); err != nil || n == 0 {
		t.Fatalf("the control page's inline script was not reported (%d, %v)", n, err)
	}

	if _, err := chromedp.Run(ctx, chromedp.Navigate(p.srv.URL+seedEN)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[sharedView](`(() => {
		const ld = JSON.parse(document.querySelector('head script[type="application/ld+json"]').textContent);
		return {csp: window.__csp, ldType: ld['@type'], ldHeadline: ld.headline,
			ogURL: document.querySelector('meta[property="og:url"]').content,
			feeds: [...document.querySelectorAll('link[rel="alternate"][type]')].map(l => l.href)};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.CSP) > 0 {
		t.Errorf("CSP violations: %v", v.CSP)
	}
	if v.LDType != "NewsArticle" || v.LDHeadline != seedTitle || v.OGURL != p.srv.URL+seedEN {
		t.Errorf("shared view = %+v", v)
	}
	if len(v.Feeds) != 6 || !strings.HasSuffix(v.Feeds[0], "/en/news/china/government-dynamic/feed.xml") {
		t.Errorf("advertised feeds = %v", v.Feeds)
	}
	for _, f := range v.Feeds {
		if r := get(t, p, strings.TrimPrefix(f, p.srv.URL)); r.status != 200 {
			t.Errorf("advertised feed %s: %d", f, r.status)
		}
	}
}
