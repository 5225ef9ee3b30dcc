package admin_test

// The site-administration pages, as shown and as re-shown with problems,
// checked by the Nu HTML Checker (vnu.jar): valid HTML, no nested forms, no
// duplicate ids. scripts/test installs it and sets NEWSDESK_VNU_JAR.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

func TestManagePagesValidHTML(t *testing.T) {
	jar := os.Getenv("NEWSDESK_VNU_JAR")
	if jar == "" {
		msg := "NEWSDESK_VNU_JAR is not set (the Nu HTML Checker's vnu.jar; scripts/test installs it with npm)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI=true, HTML validation must run", msg)
		}
		t.Skipf("!!! SKIPPING admin HTML validation: %s. Run scripts/test, or set NEWSDESK_VNU_JAR=/path/to/vnu.jar.", msg)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("NEWSDESK_VNU_JAR is set but java is not on PATH: %v", err)
	}
	n, b, ada := mgAdmin(t, "sqlite")
	ed := n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news/china"})
	gd := mgChannel(t, n, "news/china/government-dynamic")
	mgWebhookWithDelivery(t, n)

	dir := t.TempDir()
	source := map[string]string{}
	var files []string
	keep := func(name, what string, p page, status int) {
		t.Helper()
		if p.status != status {
			t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
		}
		file := filepath.Join(dir, name+".html")
		if err := os.WriteFile(file, []byte(p.body), 0o644); err != nil {
			t.Fatal(err)
		}
		source[name+".html"] = what
		files = append(files, file)
	}
	for _, lang := range []string{"en", "zh"} {
		b.get("/admin/lang/" + lang)
		for _, path := range []string{"/admin/users", "/admin/users/" + strconv.FormatInt(ed.ID, 10), "/admin/channels", "/admin/pages", "/admin/settings", "/admin/audit", "/admin/webhooks"} {
			keep(lang+strings.ReplaceAll(path, "/", "-"), "GET "+path+" ("+lang+")", b.get(path), http.StatusOK)
		}
	}
	b.get("/admin/lang/en")
	// Forms shown again with their problems, and one-time links.
	keep("users-refused", "POST /admin/users refused", mgSubmit(b, "/admin/users", "/admin/users", mgForm("email", "nope", "name", "", "role", "editor", "channel", "news")), http.StatusUnprocessableEntity)
	keep("user-invited", "POST /admin/users", mgSubmit(b, "/admin/users", "/admin/users", mgForm("email", "new@example.org", "name", "New", "role", "editor")), http.StatusOK)
	keep("user-last-admin", "POST status refused", mgSubmit(b, "/admin/users", fmt.Sprintf("/admin/users/%d/status", ada.ID), mgForm("status", "disabled")), http.StatusUnprocessableEntity)
	keep("user-reset", "POST reset-link", mgSubmit(b, "/admin/users", fmt.Sprintf("/admin/users/%d/reset-link", ed.ID), nil), http.StatusOK)
	keep("channels-refused-new", "POST /admin/channels refused", mgSubmit(b, "/admin/channels", "/admin/channels", mgForm("parent", "0", "slug", "search", "position", "x")), http.StatusUnprocessableEntity)
	keep("channels-refused-delete", "POST delete refused", mgSubmit(b, "/admin/channels", fmt.Sprintf("/admin/channels/%d/delete", gd.ID), nil), http.StatusUnprocessableEntity)
	keep("pages-refused", "POST /admin/pages refused", mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("new", "1", "slug", "news", "title_en", "")), http.StatusUnprocessableEntity)
	keep("settings-refused", "POST /admin/settings refused", mgSubmit(b, "/admin/settings", "/admin/settings", mgForm("time_zone", "Mars/Olympus", "footer_pages", "nope", "name_fr", "x")), http.StatusUnprocessableEntity)
	keep("webhooks-refused", "POST /admin/webhooks refused", mgSubmit(b, "/admin/webhooks", "/admin/webhooks", mgForm("url", "ftp://x", "secret", "short")), http.StatusUnprocessableEntity)
	keep("audit-refused", "GET /admin/audit refused", b.get("/admin/audit?actor=nobody@example.org"), http.StatusUnprocessableEntity)

	checkHTMLFiles(t, jar, files, source)
	// Ids must be unique even where vnu would not look (it does, but say so plainly).
	dup := regexp.MustCompile(`\sid="([^"]+)"`)
	for _, f := range files {
		data, _ := os.ReadFile(f)
		seen := map[string]bool{}
		for _, m := range dup.FindAllStringSubmatch(string(data), -1) {
			if seen[m[1]] {
				t.Errorf("%s: duplicate id %q", source[filepath.Base(f)], m[1])
			}
			seen[m[1]] = true
		}
	}
}

// checkHTMLFiles runs the Nu HTML Checker (vnu.jar) once over files and
// reports each error with the file, what page it was (source) and the line.
func checkHTMLFiles(t *testing.T, jar string, files []string, source map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
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
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int `json:"lastLine"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu: %v; unreadable output (%v)\n--- stdout:\n%s\n--- stderr:\n%s", runErr, err, stdout.String(), stderr.String())
	}
	var problems []string
	for _, m := range report.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		file := filepath.Base(strings.TrimPrefix(m.URL, "file:"))
		problems = append(problems, fmt.Sprintf("%s (%s) line %d: %s\n\t%q", file, source[file], m.LastLine, m.Message, m.Extract))
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) == 0 && runErr != nil {
		t.Fatalf("vnu failed without reporting an error: %v\n%s%s", runErr, stdout.String(), stderr.String())
	}
}
