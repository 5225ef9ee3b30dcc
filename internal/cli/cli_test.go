package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/cli"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const (
	seedDir = "../../testdata/seed"
	gd      = "news/china/government-dynamic"
)

var ctx = context.Background()

type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line in process with only env as the environment.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := cli.Run(ctx, args, getenv, strings.NewReader(""), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

func (r result) expect(t *testing.T, code int, stdout, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

// each runs fn per dialect with the URL of a fresh, empty database.
func each(t *testing.T, fn func(t *testing.T, db string)) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, storetest.URL(t, d)) })
	}
}

func open(t *testing.T, db string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seedFile(name string) string { return filepath.Join(seedDir, name) }

// ready migrates db and applies the seed site.
func ready(t *testing.T, db string) {
	t.Helper()
	run(t, nil, "migrate", "--db", db).expect(t, 0, nil, nil)
	run(t, nil, "site", "apply", seedFile("seed-site.json"), "--db", db).expect(t, 0, nil, nil)
}

func TestMigrate(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		r := run(t, nil, "migrate", "--db", db)
		r.expect(t, 0, nil, nil)
		n, last := migrationCount(t)
		if r.stdout != fmt.Sprintf("migrate: %d migrations applied, schema at version %d\n", n, last) {
			t.Errorf("stdout = %q", r.stdout)
		}
		r = run(t, nil, "migrate", "--db", db)
		r.expect(t, 0, nil, nil)
		if r.stdout != fmt.Sprintf("migrate: 0 migrations applied, schema at version %d\n", last) {
			t.Errorf("second stdout = %q", r.stdout)
		}
		if err := open(t, db).CheckSchema(ctx); err != nil {
			t.Errorf("schema after migrate: %v", err)
		}
	})
}

func TestSiteApply(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		run(t, nil, "migrate", "--db", db).expect(t, 0, nil, nil)
		r := run(t, nil, "site", "apply", seedFile("seed-site.json"), "--db", db)
		r.expect(t, 0, nil, nil)
		if r.stdout != "site apply: 9 settings, 6 channels, 3 pages changed\n" {
			t.Errorf("stdout = %q", r.stdout)
		}
		// Flag before the argument works too.
		r = run(t, nil, "site", "apply", "--db", db, seedFile("seed-site.json"))
		r.expect(t, 0, nil, nil)
		if r.stdout != "site apply: nothing to change\n" {
			t.Errorf("second stdout = %q", r.stdout)
		}

		bad := []struct {
			name, data string
			stdout     string
			stderr     []string
		}{
			{"unknown keys", `{"registration_number": "CHANGED", "channels": [{"slug": "news", "children": [
				{"slug": "china"}, {"slug": "world", "colour": "red"}]}], "colour": "blue"}`,
				"refused (2 problems), nothing changed",
				[]string{": channels[0].children[1].colour: unknown key", ": colour: unknown key"}},
			{"reserved slug", `{"registration_number": "CHANGED", "channels": [{"slug": "news"}, {"slug": "search"}]}`,
				"refused (1 problems), nothing changed",
				[]string{`: channels[1].slug: "search" is reserved`}},
			{"missing footer page", `{"registration_number": "CHANGED", "footer_pages": ["nope"]}`,
				"refused (1 problems), nothing changed",
				[]string{`: footer_pages[0]: page "nope" does not exist`}},
			{"malformed", "{\n  \"languages\": [\"en\",]\n}",
				"refused (1 problems), nothing changed",
				[]string{": malformed JSON at line 2, column 22"}},
		}
		for _, tt := range bad {
			file := filepath.Join(t.TempDir(), "bad-site.json")
			if err := os.WriteFile(file, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr []string
			for _, e := range tt.stderr {
				stderr = append(stderr, "newsdesk site apply: "+file+e)
			}
			run(t, nil, "site", "apply", file, "--db", db).expect(t, 1, []string{"site apply: " + file + " " + tt.stdout}, stderr)
		}
		if site, _ := open(t, db).Site(ctx); site.RegistrationNumber != "11044902" {
			t.Errorf("a refused file changed registration number to %q", site.RegistrationNumber)
		}

		missing := filepath.Join(t.TempDir(), "missing.json")
		run(t, nil, "site", "apply", missing, "--db", db).expect(t, 1, nil, []string{"missing.json"})
	})
}

func TestImportNinjs(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		// Flag after the argument.
		r := run(t, nil, "import", "ninjs", seedFile("seed-article.ninjs.json"), "--channel", gd, "--db", db)
		r.expect(t, 0, nil, []string{"[1/1] ", "created (Xi meets with Belarusian President Lukashenko)"})
		if r.stdout != "import: 1 file: 1 created, 0 updated, 0 unchanged, 0 older ignored, 0 failed\n" {
			t.Errorf("stdout = %q", r.stdout)
		}
		s := open(t, db)
		a, err := s.ArticleByURI(ctx, "urn:newsdesk:seed:xi-lukashenko-2022-09-16")
		if err != nil || a.ChannelPath != gd || a.Source != "Xinhua" {
			t.Errorf("stored article = %+v, %v", a, err)
		}
		// Again, without --channel: the stored article keeps its channel.
		r = run(t, nil, "import", "ninjs", "--db", db, seedFile("seed-article.ninjs.json"))
		r.expect(t, 0, nil, nil)
		if r.stdout != "import: 1 file: 0 created, 0 updated, 1 unchanged, 0 older ignored, 0 failed\n" {
			t.Errorf("second stdout = %q", r.stdout)
		}
	})
}

func TestImportDirWithABadFile(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		dir := t.TempDir()
		copyFile := func(src, name string) {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		copyFile(seedFile("seed-article.ninjs.json"), "a-en.json")
		copyFile("../feed/testdata/ninjs/bad-empty-headline.json", "b-bad.json")
		copyFile(seedFile("seed-article-zh.ninjs.json"), "c-zh.json")
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ninjs"), 0o600)

		r := run(t, nil, "import", "ninjs", dir, "--channel", gd, "--db", db)
		r.expect(t, 1, []string{"import: 3 files: 2 created, 0 updated, 0 unchanged, 0 older ignored, 1 failed"},
			[]string{"[2/3] " + filepath.Join(dir, "b-bad.json") + ": FAILED: headlines[1].value: is empty: an article needs a headline"})
		if n, _ := open(t, db).CountArticles(ctx); n != 2 {
			t.Errorf("%d articles stored, want 2", n)
		}
	})
}

func TestImportUnknownChannel(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		r := run(t, nil, "import", "ninjs", seedFile("seed-article.ninjs.json"), "--channel", "nope", "--db", db)
		r.expect(t, 1, nil, []string{`--channel "nope": no such channel`})
		if r.stdout != "" {
			t.Errorf("stdout = %q, want nothing", r.stdout)
		}
		if n, _ := open(t, db).CountArticles(ctx); n != 0 {
			t.Errorf("%d articles stored, want 0", n)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	// Each must fail before touching a database; NEWSDESK_DB points at a
	// file that must not appear.
	dbFile := filepath.Join(t.TempDir(), "untouched.db")
	env := map[string]string{"NEWSDESK_DB": "sqlite:" + dbFile}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no command", nil, "Usage: newsdesk COMMAND"},
		{"unknown command", []string{"publish"}, `unknown command "publish"`},
		{"site without apply", []string{"site"}, "expected `site apply FILE`"},
		{"site apply without file", []string{"site", "apply"}, "expected exactly one FILE, got 0"},
		{"site apply two files", []string{"site", "apply", "a.json", "b.json"}, "expected exactly one FILE, got 2"},
		{"import without kind", []string{"import"}, "expected `import ninjs FILE|DIR...`, `import feed URL|FILE` or `import wxr FILE`"},
		{"import ninjs without file", []string{"import", "ninjs", "--channel", gd}, "no FILE or DIR given"},
		{"import wxr without file", []string{"import", "wxr"}, "expected exactly one FILE"},
		{"unknown flag", []string{"migrate", "--bogus"}, "flag provided but not defined: -bogus"},
		{"unknown flag after argument", []string{"import", "ninjs", "a.json", "--bogus"}, "-bogus"},
		{"flag without value", []string{"import", "ninjs", "a.json", "--channel"}, "flag needs an argument"},
		{"migrate with an argument", []string{"migrate", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, env, tt.args...)
			r.expect(t, 2, nil, []string{tt.stderr})
		})
	}
	if _, err := os.Stat(dbFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a usage error opened the database: %v", err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"site", "--help"}, {"import", "-h"}} {
		r := run(t, nil, args...)
		r.expect(t, 0, []string{"Usage: "}, nil)
	}
	run(t, nil, "migrate", "-h").expect(t, 0, nil, []string{"Usage: newsdesk migrate"})
}

func TestStaleSchema(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		tests := [][]string{
			{"site", "apply", seedFile("seed-site.json"), "--db", db},
			{"import", "ninjs", seedFile("seed-article.ninjs.json"), "--channel", gd, "--db", db},
		}
		for _, args := range tests {
			r := run(t, nil, args...)
			r.expect(t, 1, nil, []string{"run `newsdesk migrate`"})
		}
		s := open(t, db)
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
			t.Errorf("a refused command migrated the database: %v", err)
		}
	})
}

func TestImportBeforeSiteApply(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		run(t, nil, "migrate", "--db", db).expect(t, 0, nil, nil)
		// No channels exist yet, so --channel is refused first; without it the
		// item itself says the site is missing.
		run(t, nil, "import", "ninjs", seedFile("seed-article.ninjs.json"), "--db", db).
			expect(t, 1, []string{"1 failed"}, []string{"newsdesk site apply"})
	})
}

func TestDatabaseFromEnvironment(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { testDatabaseFromEnvironment(t, d) })
	}
}

func testDatabaseFromEnvironment(t *testing.T, dialect string) {
	envDB := storetest.URL(t, dialect)
	env := map[string]string{"NEWSDESK_DB": envDB}
	run(t, env, "migrate").expect(t, 0, []string{fmt.Sprintf("%d migrations applied", migrations(t))}, nil)
	if err := open(t, envDB).CheckSchema(ctx); err != nil {
		t.Errorf("NEWSDESK_DB was not migrated: %v", err)
	}

	// --db wins over NEWSDESK_DB.
	flagDB := storetest.URL(t, dialect)
	run(t, env, "migrate", "--db", flagDB).expect(t, 0, []string{fmt.Sprintf("%d migrations applied", migrations(t))}, nil)
	if err := open(t, flagDB).CheckSchema(ctx); err != nil {
		t.Errorf("--db was not migrated: %v", err)
	}
	run(t, env, "site", "apply", seedFile("seed-site.json"), "--db", flagDB).expect(t, 0, nil, nil)
	if site, _ := open(t, envDB).Site(ctx); site.Configured() {
		t.Error("site apply --db wrote to NEWSDESK_DB")
	}
	if site, _ := open(t, flagDB).Site(ctx); !site.Configured() {
		t.Error("site apply --db did not write to --db")
	}
}

func TestBadDatabaseURL(t *testing.T) {
	run(t, nil, "migrate", "--db", "mysql://localhost/x").expect(t, 1, nil, []string{`--db "mysql://localhost/x"`})
}

func TestVersion(t *testing.T) {
	r := run(t, nil, "version")
	r.expect(t, 0, []string{"newsdesk "}, nil)
	if strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
		t.Errorf("version printed %q / %q", r.stdout, r.stderr)
	}
}

// migrationCount is how many migrations there are and the highest version
// (numbers may have gaps while work lands in pieces).
func migrationCount(t *testing.T) (n, last int) {
	t.Helper()
	entries, err := os.ReadDir("../store/migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: no version number", e.Name())
		}
		last = max(last, v)
	}
	return len(entries), last
}

// migrations is how many migrations there are.
func migrations(t *testing.T) int {
	n, _ := migrationCount(t)
	return n
}
