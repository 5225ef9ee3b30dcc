package main

// End-to-end tests: the real binary, run as an operator would run it, on
// SQLite and PostgreSQL, with the portal read in headless Chromium with and
// without JavaScript, wide and on a phone.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"newsdesk/internal/store/storetest"
)

const (
	seedChannel = "news/china/government-dynamic"
	seedENPath  = "/en/news/china/government-dynamic/2022/09/16/xi-meets-with-belarusian-president-lukashenko/"
	seedZHDir   = "/zh/news/china/government-dynamic/2022/09/16/"
)

// TestE2E sets up a portal from the seed files with the CLI, serves it and
// reads it in Chromium, once per database kind.
func TestE2E(t *testing.T) {
	root := t
	var b browser
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := storetest.URL(t, dialect)

			mustCLI(t, dir, regexp.MustCompile(`(?m)^migrate: [1-9]\d* migrations applied, schema at version \d+$`),
				"migrate", "--db", db)
			// A second migrate has nothing left to do.
			mustCLI(t, dir, regexp.MustCompile(`(?m)^migrate: 0 migrations applied`), "migrate", "--db", db)
			mustCLI(t, dir, regexp.MustCompile(`(?m)^site apply: .*\b6 channels\b.*\b3 pages\b`),
				"site", "apply", "--db", db, seedFile(t, "seed-site.json")) // a flag before the argument
			r := mustCLI(t, dir, regexp.MustCompile(`(?m)^import: 2 files: 2 created, 0 updated, 0 unchanged, 0 older ignored, 0 failed$`),
				"import", "ninjs", "--channel", seedChannel,
				seedFile(t, "seed-article.ninjs.json"), seedFile(t, "seed-article-zh.ninjs.json"), "--db", db) // and after
			if strings.Count(strings.TrimSpace(r.stdout), "\n") != 0 {
				t.Errorf("import: stdout must be the one-line summary, got:\n%s", r.stdout)
			}
			if !strings.Contains(r.stderr, "Xi meets with Belarusian President Lukashenko") {
				t.Errorf("import: stderr progress should name each article:\n%s", r.stderr)
			}

			srv := startServe(t, dir, "--addr", "127.0.0.1:0", "--db", db)
			srv.ready(t)

			t.Run("http", func(t *testing.T) { checkHTTP(t, srv.url) })
			t.Run("browser-js", func(t *testing.T) { checkInBrowser(t, b.tab(t, root), srv.url, false) })
			t.Run("browser-nojs", func(t *testing.T) { checkInBrowser(t, b.tab(t, root), srv.url, true) })

			srv.stop(t)
			if !strings.Contains(srv.stderr.String(), "msg=stopped") {
				t.Errorf("serve: no `stopped` log line after SIGTERM:\n%s", srv.stderr)
			}
		})
	}
}

// checkHTTP checks what a plain HTTP client sees: the language redirect and
// the Chinese 404 page.
func checkHTTP(t *testing.T, base string) {
	noRedirect := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, c := range []struct{ accept, want string }{
		{"", "/en/"},
		{"zh-CN,zh;q=0.9,en;q=0.5", "/zh/"},
		{"en-GB,en;q=0.8", "/en/"},
	} {
		req, _ := http.NewRequest("GET", base, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Language", c.accept)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasSuffix(loc, c.want) {
			t.Errorf("GET / with Accept-Language %q: got %d Location %q, want 302 to %s", c.accept, resp.StatusCode, loc, c.want)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("GET /: Vary %q lacks Accept-Language", resp.Header.Get("Vary"))
		}
	}

	code, body := get(t, base+"zh/nope/")
	if code != http.StatusNotFound {
		t.Errorf("GET /zh/nope/: status %d, want 404", code)
	}
	if !regexp.MustCompile(`<html[^>]* lang="zh`).MatchString(body) {
		t.Errorf("GET /zh/nope/: the 404 page is not marked lang=zh*:\n%s", body)
	}
	main := body
	if i, j := strings.Index(body, "<main"), strings.Index(body, "</main>"); i >= 0 && j > i {
		main = body[i:j]
	}
	if !regexp.MustCompile(`\p{Han}{2,}`).MatchString(stripTags(main)) || !strings.Contains(body, "备案号：11044902") {
		t.Errorf("GET /zh/nope/: the 404 page should speak Chinese (message in <main>, Chinese footer):\n%s", body)
	}
}

// seedPageElements splits seed-page.txt into the elements the article page
// must show, in order: each line, and the parts of lines the page lays out
// side by side (separated by several spaces or " | ").
func seedPageElements(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile(seedFile(t, "seed-page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	split := regexp.MustCompile(`\s{2,}| \| `)
	var els []string
	for _, line := range strings.Split(strings.ReplaceAll(string(data), "\u00a0", " "), "\n") {
		for _, part := range split.Split(strings.TrimSpace(line), -1) {
			part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), ">"))
			if part != "" {
				els = append(els, part)
			}
		}
	}
	if len(els) < 20 || els[0] != "Home > NEWS > China > Government Dynamic" {
		t.Fatalf("seed-page.txt: only %d elements, the file looks wrong", len(els))
	}
	return els
}

// zhSeed is what the Chinese article page must show from its ninjs.
func zhSeed(t testing.TB) (headline string, paragraphs []string) {
	t.Helper()
	data, err := os.ReadFile(seedFile(t, "seed-article-zh.ninjs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Headlines []struct{ Role, Value string }
		Bodies    []struct{ Role, Value string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, h := range doc.Headlines {
		if h.Role == "main" {
			headline = h.Value
		}
	}
	for _, b := range doc.Bodies {
		if b.Role != "main" {
			continue
		}
		for _, p := range strings.Split(b.Value, "</p>") {
			if p = strings.TrimSpace(stripTags(p)); p != "" {
				paragraphs = append(paragraphs, p)
			}
		}
	}
	if headline == "" || len(paragraphs) == 0 {
		t.Fatal("seed-article-zh.ninjs.json: no headline or body")
	}
	return headline, paragraphs
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagRe.ReplaceAllString(s, "") }

// normalizeText collapses the spaces of innerText within each line, so that
// layout whitespace does not matter but line structure does.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	lines := strings.Split(s, "\n")
	sp := regexp.MustCompile(`[ \t]+`)
	for i, l := range lines {
		lines[i] = strings.TrimSpace(sp.ReplaceAllString(l, " "))
	}
	return strings.Join(lines, "\n")
}

// checkInOrder reports every element missing from text or out of order.
func checkInOrder(t *testing.T, page, text string, els []string) {
	t.Helper()
	pos, bad := 0, 0
	for _, el := range els {
		if i := strings.Index(text[pos:], el); i >= 0 {
			pos += i + len(el)
			continue
		}
		bad++
		if strings.Contains(text, el) {
			t.Errorf("%s: %q is on the page but out of order (expected after what precedes it in the seed)", page, el)
		} else {
			t.Errorf("%s: missing from the rendered text: %q", page, el)
		}
	}
	if bad > 0 {
		t.Logf("%s: rendered text (document.body.innerText):\n%s", page, text)
	}
}

type fontInfo struct {
	Body   float64 `json:"body"`
	Para   float64 `json:"para"`
	Family string  `json:"family"`
	Sheets int     `json:"sheets"`
}

const fontJS = `(() => {
	const px = e => e ? parseFloat(getComputedStyle(e).fontSize) : 0;
	return {
		body: px(document.body),
		para: px(document.querySelector('main p')),
		family: getComputedStyle(document.body).fontFamily,
		sheets: document.styleSheets.length,
	};
})()`

type overflowInfo struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Offenders   []string `json:"offenders"`
}

const overflowJS = `(() => {
	const w = window.innerWidth, out = [];
	for (const e of document.querySelectorAll('body *')) {
		const r = e.getBoundingClientRect();
		if (r.right > w + 0.5 && out.length < 8) {
			out.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ +/g, '.') : '') + ' right=' + Math.round(r.right));
		}
	}
	return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, offenders: out};
})()`

// checkInBrowser reads the portal at base in one tab: the English seed
// article against seed-page.txt, the Chinese one reached by a click from the
// Chinese home, the Chinese 404 page, and every page at phone width.
func checkInBrowser(t *testing.T, tab context.Context, base string, jsOff bool) {
	if jsOff {
		step(t, tab, "disable JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	// Prove the mode: a page script renames the document only when scripts run.
	step(t, tab, "probe", chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	want := map[bool]string{false: "on", true: "off"}[jsOff]
	if got := step(t, tab, "title", chromedp.Title()); got != want {
		t.Fatalf("JavaScript probe: title %q, want %q (jsOff=%v)", got, want, jsOff)
	}
	origin := strings.TrimSuffix(base, "/")

	wide := func() {
		step(t, tab, "wide viewport", chromedp.EmulateViewport(1280, 900))
	}
	open := func(path string, wantStatus int64) {
		t.Helper()
		resp := step(t, tab, "open "+path, chromedp.NavigateResponse(base+strings.TrimPrefix(path, "/")))
		if resp.Status != wantStatus {
			t.Errorf("%s: status %d, want %d", path, resp.Status, wantStatus)
		}
	}
	text := func() string {
		return normalizeText(step(t, tab, "innerText", chromedp.Evaluate[string](`document.body.innerText`)))
	}
	lang := func() string {
		return step(t, tab, "lang", chromedp.Evaluate[string](`document.documentElement.lang`))
	}
	sameOrigin := func(page string) {
		t.Helper()
		res := step(t, tab, "resources", chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name)`))
		for _, u := range res {
			if !strings.HasPrefix(u, origin+"/") {
				t.Errorf("%s: loads %s from outside the portal (every asset must be served by Newsdesk)", page, u)
			}
		}
	}
	fonts := func(page string) {
		t.Helper()
		f := step(t, tab, "fonts", chromedp.Evaluate[fontInfo](fontJS))
		if f.Sheets == 0 {
			t.Errorf("%s: no stylesheet loaded", page)
		}
		if f.Body < 16 {
			t.Errorf("%s: body font-size %.1fpx, want >= 16px", page, f.Body)
		}
		if f.Para != 0 && f.Para < 16 {
			t.Errorf("%s: first paragraph in <main> has font-size %.1fpx, want >= 16px", page, f.Para)
		}
		if !regexp.MustCompile(`PingFang SC|Microsoft YaHei|Noto Sans CJK SC|Hiragino Sans GB|Source Han Sans`).MatchString(f.Family) {
			t.Errorf("%s: body font-family %q lacks a Chinese system font", page, f.Family)
		}
	}

	// The English seed article, wide.
	wide()
	open(seedENPath, 200)
	if l := lang(); !strings.HasPrefix(l, "en") {
		t.Errorf("%s: <html lang=%q>, want en*", seedENPath, l)
	}
	checkInOrder(t, seedENPath, text(), seedPageElements(t))
	fonts(seedENPath)
	sameOrigin(seedENPath)

	// The Chinese article, reached from the Chinese home by a click.
	headline, paras := zhSeed(t)
	open("/zh/", 200)
	link := chromedp.Search(fmt.Sprintf(`//main//a[normalize-space(.)=%q]`, headline))
	resp, err := func() (*network.Response, error) {
		ctx, cancel := context.WithTimeout(tab, 20*time.Second)
		defer cancel()
		return chromedp.RunResponse(ctx, chromedp.Click(link))
	}()
	if err != nil {
		t.Fatalf("/zh/: click the link %q: %v\n%s", headline, err, text())
	}
	zhURL := step(t, tab, "location", chromedp.Location())
	zhPath := strings.TrimPrefix(zhURL, origin)
	if resp.Status != 200 || !strings.HasPrefix(zhPath, seedZHDir) {
		t.Errorf("/zh/ → click %q: status %d at %s, want 200 under %s", headline, resp.Status, zhPath, seedZHDir)
	}
	if l := lang(); !strings.HasPrefix(l, "zh") {
		t.Errorf("%s: <html lang=%q>, want zh*", zhPath, l)
	}
	checkInOrder(t, zhPath, text(), append([]string{
		"首页 > 新闻 > 国内 > 政务动态",
		headline,
		"发布时间：2022-09-16 17:51:59",
		"来源：新华社",
	}, append(paras,
		"责任编辑：李明",
		"关于我们", "联系我们", "法律声明",
		"主办单位：国家能源局", "运行维护：中国信息公司",
		"备案号：11044902",
	)...))
	fonts(zhPath)
	sameOrigin(zhPath)

	// The Chinese 404 page, in the browser too.
	open("/zh/nope/", 404)
	if l := lang(); !strings.HasPrefix(l, "zh") {
		t.Errorf("/zh/nope/: <html lang=%q>, want zh*", l)
	}
	if txt := text(); !strings.Contains(txt, "首页") || !strings.Contains(txt, "备案号：11044902") {
		t.Errorf("/zh/nope/: the 404 page should be in Chinese with the site's frame:\n%s", txt)
	}

	// A phone: nothing may be wider than the screen.
	step(t, tab, "phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	for _, p := range []string{seedENPath, zhPath, "/en/", "/zh/", "/en/news/", "/zh/news/china/government-dynamic/", "/en/about-us/", "/zh/nope/"} {
		want := int64(200)
		if p == "/zh/nope/" {
			want = 404
		}
		open(p, want)
		o := step(t, tab, "overflow", chromedp.Evaluate[overflowInfo](overflowJS))
		if o.InnerWidth > 360 {
			t.Errorf("%s at 360 px: the layout viewport is %d px wide (missing <meta name=viewport>?)", p, o.InnerWidth)
		}
		if o.ScrollWidth > o.InnerWidth {
			t.Errorf("%s at 360 px: horizontal overflow, scrollWidth %d > innerWidth %d; too wide: %s",
				p, o.ScrollWidth, o.InnerWidth, strings.Join(o.Offenders, ", "))
		}
	}
}

// TestServeRefusesStaleSchema: serve on an un-migrated database exits 1 and
// names the command that fixes it; with --automigrate it starts.
func TestServeRefusesStaleSchema(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := storetest.URL(t, dialect)
			s := startServe(t, dir, "--addr", "127.0.0.1:0", "--db", db)
			if code := s.exited(t, 15*time.Second); code != 1 {
				t.Errorf("serve on an un-migrated database: exit %d, want 1:\n%s", code, s.stderr)
			}
			if !strings.Contains(s.stderr.String(), "newsdesk migrate") {
				t.Errorf("serve on an un-migrated database: stderr does not name `newsdesk migrate`:\n%s", s.stderr)
			}
			if strings.Contains(s.stderr.String(), "msg=serving") {
				t.Errorf("serve on an un-migrated database started serving:\n%s", s.stderr)
			}

			s = startServe(t, dir, "--addr", "127.0.0.1:0", "--db", db, "--automigrate")
			s.ready(t)
			if code, _ := get(t, s.url+"en/"); code != http.StatusOK && code != http.StatusNotFound {
				t.Errorf("serve --automigrate on an empty site: GET /en/ status %d", code)
			}
			// A new user whose pages all answer 404 is told how to set up a site.
			if !strings.Contains(s.stderr.String(), "newsdesk site apply FILE") {
				t.Errorf("serve on a database without a site: the log does not say how to set one up:\n%s", s.stderr)
			}
			s.stop(t)
		})
	}
}

// TestServeDemo: `serve --demo` with no set-up at all (default database
// beside the working directory) fills the site and lists articles in both
// languages.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := startServe(t, dir, "--demo", "--addr", "127.0.0.1:0")
	s.ready(t)
	if strings.Contains(s.stderr.String(), "no site set up yet") {
		t.Errorf("serve --demo warns that no site is set up:\n%s", s.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "newsdesk-data", "newsdesk.db")); err != nil {
		t.Errorf("serve --demo: no database at the default path: %v", err)
	}
	for _, lang := range []string{"en", "zh"} {
		code, body := get(t, s.url+lang+"/")
		if code != http.StatusOK {
			t.Fatalf("GET /%s/: status %d", lang, code)
		}
		re := regexp.MustCompile(`href="(/` + lang + `/(?:[a-z0-9-]+/)+\d{4}/\d{2}/\d{2}/[^"/]+/)"`)
		seen := map[string]bool{}
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			seen[m[1]] = true
		}
		if len(seen) < 10 {
			t.Errorf("serve --demo: /%s/ links %d distinct articles, want >= 10:\n%s", lang, len(seen), body)
		}
		// Every listed article opens.
		for u := range seen {
			if code, _ := get(t, strings.TrimSuffix(s.url, "/")+u); code != http.StatusOK {
				t.Errorf("serve --demo: %s: status %d", u, code)
			}
		}
	}
	s.stop(t)
}
