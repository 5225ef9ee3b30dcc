package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/store/storetest"
)

const themeData = "../../testdata/wordpress-wxr/theme-test-data/64-block-test-data.xml"

// importTheme imports WordPress's block theme test data under news/world.
func importTheme(t *testing.T, p *portal) feed.WXR {
	t.Helper()
	data, err := os.ReadFile(themeData)
	if err != nil {
		t.Fatal(err)
	}
	w, err := feed.ParseWXR(data)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.importer.WXR(context.Background(), w, ingest.WXROptions{File: "64-block-test-data.xml", Channel: "news/world"}, nil)
	if err != nil || sum.Failed() != 0 || sum.Counts[ingest.Created] < 60 {
		t.Fatalf("import: %v, %v", sum, err)
	}
	return w
}

// TestWordPressOldURLsRedirect: every old URL of the theme test data's
// posts (/?p=ID and the dated permalink) answers 301 to a page that is
// there.
func TestWordPressOldURLsRedirect(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			w := importTheme(t, p)
			checked := 0
			for _, it := range w.Items {
				if it.PostType != "post" || it.Status != "publish" {
					continue
				}
				for _, old := range w.OldPaths(it) {
					r := get(t, p, old)
					to := r.header.Get("Location")
					if r.status != http.StatusMovedPermanently || !strings.HasPrefix(to, "/en/news/world/") {
						t.Errorf("%s: %d → %q, want 301 to the article", old, r.status, to)
						continue
					}
					if r := get(t, p, to); r.status != http.StatusOK {
						t.Errorf("%s → %s: %d", old, to, r.status)
					}
					checked++
				}
			}
			if checked < 120 {
				t.Errorf("only %d old URLs checked", checked)
			}
			// The root without a known query still goes to a language.
			if r := get(t, p, "/?p=999999"); r.status != http.StatusFound {
				t.Errorf("unknown /?p=: %d", r.status)
			}
		})
	}
}

// TestWordPressPostsValidHTML: the theme test data's posts, as Newsdesk
// renders them, are valid HTML (no broken markup came through).
func TestWordPressPostsValidHTML(t *testing.T) {
	jar := vnuJar(t)
	p := newPortal(t, "sqlite")
	w := importTheme(t, p)
	dir := t.TempDir()
	var files []string
	source := map[string]string{}
	for _, it := range w.Items {
		if it.PostType != "post" || it.Status != "publish" {
			continue
		}
		r := get(t, p, w.OldPaths(it)[0])
		to := r.header.Get("Location")
		name := fmt.Sprintf("post-%d.html", it.PostID)
		if err := os.WriteFile(filepath.Join(dir, name), vnuGet(t, p.srv.URL, to, http.StatusOK), 0o644); err != nil {
			t.Fatal(err)
		}
		source[name] = to
		files = append(files, filepath.Join(dir, name))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "java", append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	out := bytes.TrimSpace(stderr.Bytes())
	if !bytes.HasPrefix(out, []byte("{")) {
		out = bytes.TrimSpace(stdout.Bytes())
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu: %v; unreadable output (%v)\n%s\n%s", runErr, err, stdout.String(), stderr.String())
	}
	for _, m := range report.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			t.Errorf("%s (%s) line %d: %s\n\t%q", filepath.Base(m.URL), source[filepath.Base(m.URL)], m.LastLine, m.Message, m.Extract)
		}
	}
	t.Logf("vnu checked %d imported posts", len(files))
}
