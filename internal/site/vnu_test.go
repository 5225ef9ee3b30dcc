package site_test

// HTML and CSS validity: the portal's pages in both languages and its
// stylesheets, checked by the Nu HTML Checker (vnu.jar, the W3C validator's
// engine) in one run. scripts/test installs it and sets NEWSDESK_VNU_JAR.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
)

// vnuJar is the checker's jar, or the test is skipped loudly (failed when
// CI=true).
func vnuJar(t *testing.T) string {
	t.Helper()
	jar := os.Getenv("NEWSDESK_VNU_JAR")
	if jar == "" {
		msg := "NEWSDESK_VNU_JAR is not set (the Nu HTML Checker's vnu.jar; scripts/test installs it with npm)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI=true, HTML validation must run", msg)
		}
		t.Skipf("!!! SKIPPING HTML/CSS validation: %s. Run scripts/test, or set NEWSDESK_VNU_JAR=/path/to/vnu.jar.", msg)
	}
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("NEWSDESK_VNU_JAR: %v", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("NEWSDESK_VNU_JAR is set but java is not on PATH: %v", err)
	}
	return jar
}

// vnuGet fetches one page of the portal, insisting on its status.
func vnuGet(t *testing.T, base, path string, want int) []byte {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d", path, resp.StatusCode, want)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s: Content-Type %q, want text/html", path, ct)
	}
	return body
}

// vnuMessage is one message of vnu's JSON output.
type vnuMessage struct {
	Type        string `json:"type"`
	SubType     string `json:"subType"`
	URL         string `json:"url"`
	LastLine    int    `json:"lastLine"`
	FirstColumn int    `json:"firstColumn"`
	LastColumn  int    `json:"lastColumn"`
	Message     string `json:"message"`
	Extract     string `json:"extract"`
}

func TestHTMLValidity(t *testing.T) {
	jar := vnuJar(t)
	p := newPortal(t, "sqlite")
	base := p.srv.URL

	// The Chinese seed article's URL, as the Chinese home links it.
	zhHome := vnuGet(t, base, "/zh/", http.StatusOK)
	m := regexp.MustCompile(`href="(/zh/(?:[^"/]+/)+\d{4}/\d{2}/\d{2}/[^"/]+/)"`).FindSubmatch(zhHome)
	if m == nil {
		t.Fatalf("/zh/ links no article:\n%s", zhHome)
	}
	zhArticle := string(m[1])

	// Corrected, retracted and previewed articles, in both languages.
	n := p.newsroom(t)
	extra := map[string]string{}
	for _, lang := range []string{"en", "zh"} {
		a := n.publish(t, editorial.Draft{Language: lang, Channel: "news/world", Headline: "Retraction probe " + lang,
			BodyHTML: "<p>Text.</p>", Tags: []string{"电网", "grid", "a/b"}})
		p.clock.Set(p.clock.Now().Add(time.Hour))
		a = n.step(t, a, news.TransitionCorrect, "A figure was wrong.", time.Time{})
		a = n.step(t, a, news.TransitionRetract, "The story was wrong.", time.Time{})
		extra[lang+"-retracted"] = articlePath(a)
		corrected := n.publish(t, editorial.Draft{Language: lang, Channel: "news/world", Headline: "Correction probe " + lang,
			BodyHTML: "<p>Text.</p>", Tags: []string{"grid", "电网"}})
		p.clock.Set(p.clock.Now().Add(time.Hour))
		extra[lang+"-corrected"] = articlePath(n.step(t, corrected, news.TransitionCorrect, "A name was misspelled.", time.Time{}))
		draft := n.create(t, editorial.Draft{Language: lang, Channel: "news/china/industry", Headline: "Preview probe " + lang, BodyHTML: "<p>Draft.</p>"})
		link, err := p.server().PreviewLink(context.Background(), draft, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		extra[lang+"-preview"] = link
		withMedia, _, _ := p.mediaArticle(t, n, lang)
		extra[lang+"-media"] = articlePath(withMedia)
	}

	pages := []struct {
		name, path string
		status     int
	}{
		{"en-home", "/en/", 200},
		{"en-channel", "/en/news/china/government-dynamic/", 200},
		{"en-channel-top", "/en/news/", 200},
		{"en-article", seedEN, 200},
		{"en-about-us", "/en/about-us/", 200},
		{"en-404", "/en/nope/", 404},
		{"zh-home", "/zh/", 200},
		{"zh-channel", "/zh/news/china/government-dynamic/", 200},
		{"zh-channel-top", "/zh/news/", 200},
		{"zh-article", zhArticle, 200},
		{"zh-about-us", "/zh/about-us/", 200},
		{"zh-404", "/zh/nope/", 404},
		{"en-corrections", "/en/corrections/", 200},
		{"zh-corrections", "/zh/corrections/", 200},
		{"en-tag", "/en/tags/grid/", 200},
		{"zh-tag", "/zh/tags/grid/", 200},
		{"en-tag-chinese", "/en/tags/%E7%94%B5%E7%BD%91/", 200},
		{"zh-tag-404", "/zh/tags/nope/", 404},
		{"en-article-corrected", extra["en-corrected"], 200},
		{"zh-article-corrected", extra["zh-corrected"], 200},
		{"en-article-retracted", extra["en-retracted"], 200},
		{"zh-article-retracted", extra["zh-retracted"], 200},
		{"en-preview", extra["en-preview"], 200},
		{"zh-preview", extra["zh-preview"], 200},
		{"en-article-media", extra["en-media"], 200},
		{"zh-article-media", extra["zh-media"], 200},
		{"en-search-form", "/en/search", 200},
		{"en-search-results", "/en/search?q=probe&language=any&sort=newest", 200},
		{"en-search-none", "/en/search?q=nothing-matches-this&channel=news&from=2020-01-01", 200},
		{"en-search-absurd", "/en/search?q=%FF%ED%A0%80*%00&from=x", 200},
		{"zh-search-results", "/zh/search?q=%E4%B9%A0%E8%BF%91%E5%B9%B3", 200},
		{"zh-search-none", "/zh/search?q=%E8%83%BD%E6%BA%90", 200},
	}
	p.searchUpToDate(t)
	dir := t.TempDir()
	source := map[string]string{} // file name → what it holds
	var files []string
	for _, pg := range pages {
		name := pg.name + ".html"
		if err := os.WriteFile(filepath.Join(dir, name), vnuGet(t, base, pg.path, pg.status), 0o644); err != nil {
			t.Fatal(err)
		}
		source[name] = pg.path
		files = append(files, filepath.Join(dir, name))
	}
	// The stylesheets, checked as CSS in the same run.
	css, err := filepath.Glob("static/*.css")
	if err != nil || len(css) == 0 {
		t.Fatalf("no stylesheets in internal/site/static (%v)", err)
	}
	for _, c := range css {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		name := "static-" + filepath.Base(c)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		source[name] = "internal/site/" + c
		files = append(files, filepath.Join(dir, name))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append([]string{"-jar", jar, "--errors-only", "--also-check-css", "--format", "json"}, files...)
	cmd := exec.CommandContext(ctx, "java", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("vnu checked %d files in %v", len(files), time.Since(start).Round(time.Millisecond))

	// vnu writes its JSON report to stderr; accept stdout as well.
	out := bytes.TrimSpace(stderr.Bytes())
	if !bytes.HasPrefix(out, []byte("{")) {
		out = bytes.TrimSpace(stdout.Bytes())
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu: %v; unreadable output (%v)\n--- stdout:\n%s\n--- stderr:\n%s", runErr, err, stdout.String(), stderr.String())
	}
	var problems []string
	for _, msg := range report.Messages {
		if msg.Type != "error" && msg.Type != "non-document-error" {
			continue
		}
		file := filepath.Base(strings.TrimPrefix(msg.URL, "file:"))
		problems = append(problems, fmt.Sprintf("%s (%s) line %d col %d: %s\n\t%q",
			file, source[file], msg.LastLine, msg.FirstColumn, msg.Message, msg.Extract))
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) == 0 && runErr != nil {
		t.Fatalf("vnu failed without reporting an error: %v\n--- stdout:\n%s\n--- stderr:\n%s", runErr, stdout.String(), stderr.String())
	}
}
