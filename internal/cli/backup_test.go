package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const seedArticlePath = "/en/news/china/government-dynamic/2022/09/16/xi-meets-with-belarusian-president-lukashenko/"

// seedForBackup makes a small whole site: settings, channels and pages,
// both seed articles, users (one with a password), a media upload and audit
// entries.
func seedForBackup(t *testing.T, db, mediaDir string) news.Media {
	t.Helper()
	ready(t, db)
	for _, f := range []string{"seed-article.ninjs.json", "seed-article-zh.ninjs.json"} {
		run(t, nil, "import", "ninjs", seedFile(f), "--channel", gd, "--db", db).expect(t, 0, nil, nil)
	}
	runStdin(t, nil, "Tangerine-Rocket-Violin-88\n", "user", "add", "--db", db, "--email", "ada@example.org", "--name", "Ada",
		"--role", "administrator", "--password-stdin").expect(t, 0, nil, nil)
	run(t, nil, "user", "add", "--db", db, "--email", "bob@example.org", "--name", "Bob", "--role", "editor", "--channel", gd).expect(t, 0, nil, nil)
	s := open(t, db)
	users, err := s.Users(ctx)
	if err != nil || len(users) == 0 {
		t.Fatalf("users: %v %v", users, err)
	}
	data, err := os.ReadFile(filepath.Join("..", "media", "testdata", "wide.png"))
	if err != nil {
		t.Fatal(err)
	}
	lib := media.New(s, mediaDir, slog.New(slog.DiscardHandler))
	m, _, err := lib.Add(ctx, users[0], "192.0.2.7", media.Upload{Filename: "wide.png", Body: bytes.NewReader(data), Alt: "A wide view", Caption: "说明"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "cli", Action: "backup.test", Target: "site", Details: map[string]string{"why": "a test"}}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBackupRestore backs up a seeded site of each dialect and restores it
// into a fresh database of the same and of the other dialect: the rows, the
// public article page, the audit chain and the media files all come back,
// and new rows get fresh ids.
func TestBackupRestore(t *testing.T) {
	for _, from := range storetest.Dialects {
		t.Run(from, func(t *testing.T) {
			db, mediaDir := storetest.URL(t, from), t.TempDir()
			upload := seedForBackup(t, db, mediaDir)
			dir := t.TempDir()
			file := filepath.Join(dir, "site.tar.gz")
			r := run(t, nil, "backup", file, "--db", db, "--media", mediaDir)
			r.expect(t, 0, []string{"backup: ", " rows, 4 media files (schema ", ", " + from + ") written to " + file}, []string{"table articles: 2 rows"})
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("beside the backup: %v, want only the backup", entries)
			}
			want := tablesOf(t, file)
			if _, ok := want["sessions"]; ok {
				t.Error("sessions are backed up")
			}
			wantPage := articlePage(t, db)
			for _, to := range storetest.Dialects {
				t.Run("to-"+to, func(t *testing.T) {
					db2, media2 := storetest.URL(t, to), t.TempDir()
					run(t, nil, "restore", file, "--db", db2, "--media", media2).
						expect(t, 0, []string{"restore: ", "4 media files from a " + from + " backup", "audit log verified, ", "chain intact"},
							[]string{"/" + strconv.Itoa(len(want)+4) + "] table articles: 2 rows"})
					again := filepath.Join(t.TempDir(), "again.tar.gz")
					run(t, nil, "backup", again, "--db", db2, "--media", media2).expect(t, 0, nil, nil)
					got := tablesOf(t, again)
					for name, rows := range want {
						if !slices.Equal(got[name], rows) {
							t.Errorf("table %s after restore:\n%s\nwant:\n%s", name, strings.Join(got[name], "\n"), strings.Join(rows, "\n"))
						}
					}
					if len(got) != len(want) {
						t.Errorf("%d tables after restore, want %d", len(got), len(want))
					}
					if page := articlePage(t, db2); !bytes.Equal(page, wantPage) {
						t.Errorf("the restored article page differs:\n%s\nwant:\n%s", page, wantPage)
					}
					for _, u := range []string{upload.URL(), upload.VariantURL(upload.Variants[0].Width)} {
						name := strings.TrimPrefix(u, "/media/")
						name = name[:2] + "/" + name
						a, errA := os.ReadFile(filepath.Join(mediaDir, name))
						b, errB := os.ReadFile(filepath.Join(media2, name))
						if errA != nil || errB != nil || !bytes.Equal(a, b) {
							t.Errorf("media file %s after restore: %v %v, same bytes %v", name, errA, errB, bytes.Equal(a, b))
						}
					}
					run(t, nil, "audit", "verify", "--db", db2).expect(t, 0, []string{"chain intact"}, nil)
					// New rows get fresh ids (PostgreSQL sequences were moved on).
					run(t, nil, "user", "add", "--db", db2, "--email", "cy@example.org", "--name", "Cy", "--role", "editor", "--channel", gd).
						expect(t, 0, []string{"cy@example.org added"}, nil)
					run(t, nil, "import", "ninjs", seedFile("seed-article.ninjs.json"), "--channel", "news/world", "--db", db2).expect(t, 0, nil, nil)
					// A second restore into what is now a site is refused.
					run(t, nil, "restore", file, "--db", db2, "--media", media2).
						expect(t, 1, nil, []string{"the database is not empty (it holds ", " articles, ", " users, ", "restore only into a new, empty database"})
				})
			}
		})
	}
}

// TestBackupRestoreS3: with --media an s3:// bucket, restore puts the media
// files there and backup reads them back from it.
func TestBackupRestoreS3(t *testing.T) {
	db, mediaDir := storetest.URL(t, "sqlite"), t.TempDir()
	seedForBackup(t, db, mediaDir)
	dir := t.TempDir()
	file := filepath.Join(dir, "site.tar.gz")
	run(t, nil, "backup", file, "--db", db, "--media", mediaDir).expect(t, 0, nil, nil)

	backend := s3mem.New()
	if err := backend.CreateBucket("media"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	env := map[string]string{"AWS_ACCESS_KEY_ID": "newsdesk", "AWS_SECRET_ACCESS_KEY": "newsdesk-secret"}
	bucket := "s3://media/site?endpoint=" + strings.TrimPrefix(srv.URL, "http://") + "&insecure=1&region=us-east-1"

	db2 := storetest.URL(t, "postgres")
	run(t, env, "restore", file, "--db", db2, "--media", bucket).expect(t, 0, []string{"4 media files from a sqlite backup"}, nil)
	again := filepath.Join(dir, "again.tar.gz")
	run(t, env, "backup", again, "--db", db2, "--media", bucket).expect(t, 0, []string{"4 media files"}, nil)
	want, got := mediaOf(t, file), mediaOf(t, again)
	if len(want) != 4 || len(got) != len(want) {
		t.Fatalf("media in the backups: %d then %d", len(want), len(got))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("media %s did not come back through the bucket", name)
		}
	}
}

// mediaOf reads a backup's media files by name.
func mediaOf(t *testing.T, file string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rewrite(t, data, func(name string, data []byte) []byte {
		if n, ok := strings.CutPrefix(name, "media/"); ok {
			out[n] = data
		}
		return data
	})
	return out
}

// TestRestoreRefusesBadFiles: a damaged, truncated, foreign or too new
// backup is refused with what is wrong, and the database is left alone.
func TestRestoreRefusesBadFiles(t *testing.T) {
	db, mediaDir := storetest.URL(t, "sqlite"), t.TempDir()
	seedForBackup(t, db, mediaDir)
	dir := t.TempDir()
	file := filepath.Join(dir, "site.tar.gz")
	run(t, nil, "backup", file, "--db", db, "--media", mediaDir).expect(t, 0, nil, nil)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := bytes.Clone(good)
	for i := len(corrupt) / 3; i < len(corrupt)/3+64; i++ {
		corrupt[i] ^= 0x5a
	}
	// An archive whose table file was edited after the manifest was made.
	edited := rewrite(t, good, func(name string, data []byte) []byte {
		if name == "tables/users.jsonl" {
			return bytes.Replace(data, []byte("ada@example.org"), []byte("eve@example.org"), 1)
		}
		return data
	})
	newer := rewrite(t, good, func(name string, data []byte) []byte {
		if name != "manifest.json" {
			return data
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		m["schema_version"] = 99999
		out, _ := json.Marshal(m)
		return out
	})
	// A well-formed file (checksums match) whose last table holds a row the
	// database refuses: the rows before it must not stay behind.
	var lastTable string
	badRow := rewrite(t, good, func(name string, data []byte) []byte {
		if name != "manifest.json" {
			return data
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		tables := m["tables"].([]any)
		last := tables[len(tables)-1].(map[string]any)
		lastTable = last["name"].(string)
		return data
	})
	badRow = rewriteWithSums(t, badRow, "tables/"+lastTable+".jsonl", func(data []byte) []byte {
		return append(data, []byte("[\"not a number\"]\n")...)
	})
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"bad row", badRow, "restore: table " + lastTable + ": row "},
		{"corrupt", corrupt, "is not a usable Newsdesk backup: "},
		{"truncated", good[:len(good)/2], "truncated"},
		{"empty", nil, "not gzip-compressed"},
		{"not a backup", []byte("PK\x03\x04 a zip file"), "not gzip-compressed"},
		{"edited", edited, "table users does not match its checksum"},
		{"newer schema", newer, "the backup's schema is version 99999, newer than this binary's"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".tar.gz")
			if err := os.WriteFile(bad, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, d := range storetest.Dialects {
				db2 := storetest.URL(t, d)
				run(t, nil, "restore", bad, "--db", db2, "--media", t.TempDir()).expect(t, 1, nil, []string{c.want})
				s := open(t, db2)
				if c.name == "bad row" { // migrated, but not one row restored
					if n, err := s.CountArticles(ctx); err != nil || n != 0 {
						t.Errorf("%s: after a failed restore, %d articles (%v)", d, n, err)
					}
					continue
				}
				if current, _, err := s.SchemaVersion(ctx); err != nil || current != 0 {
					t.Errorf("%s: after a refused restore the database is at schema %d (%v), want untouched", d, current, err)
				}
			}
		})
	}
	run(t, nil, "restore", "--db", db).expect(t, 2, nil, []string{"expected one FILE"})
	run(t, nil, "backup", filepath.Join(dir, "missing-folder", "x.tar.gz"), "--db", db, "--media", mediaDir).expect(t, 1, nil, []string{"newsdesk backup: "})
}

// TestBackupMissingMedia: a media file the database names but storage lacks
// is reported (exit 1, naming it); the rest is still backed up and restores.
func TestBackupMissingMedia(t *testing.T) {
	db, mediaDir := storetest.URL(t, "sqlite"), t.TempDir()
	m := seedForBackup(t, db, mediaDir)
	gone := m.Hash[:2] + "/" + m.Hash + "-" + strconv.Itoa(m.Variants[0].Width) + "." + m.Ext
	if err := os.Remove(filepath.Join(mediaDir, gone)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "site.tar.gz")
	run(t, nil, "backup", file, "--db", db, "--media", mediaDir).
		expect(t, 1, []string{"3 media files"}, []string{"1 media files named in the database were missing from " + mediaDir, gone})
	run(t, nil, "restore", file, "--db", storetest.URL(t, "sqlite"), "--media", t.TempDir()).expect(t, 0, []string{"3 media files"}, nil)
}

// tablesOf reads a backup's tables as sorted JSON lines by table name.
func tablesOf(t *testing.T, file string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(h.Name, "tables/")
		if !ok {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(data) == 0 {
			lines = nil
		}
		slices.Sort(lines)
		out[strings.TrimSuffix(name, ".jsonl")] = lines
	}
	return out
}

// rewrite returns a backup with each entry's content passed through edit.
func rewrite(t *testing.T, archive []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		data = edit(h.Name, data)
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// rewriteWithSums edits one table entry and updates the manifest's row
// count and checksum to match, as a well-formed file would have them.
func rewriteWithSums(t *testing.T, archive []byte, entry string, edit func([]byte) []byte) []byte {
	t.Helper()
	var sum string
	var rows int
	archive = rewrite(t, archive, func(name string, data []byte) []byte {
		if name != entry {
			return data
		}
		data = edit(data)
		h := sha256.Sum256(data)
		sum, rows = hex.EncodeToString(h[:]), bytes.Count(data, []byte("\n"))
		return data
	})
	return rewrite(t, archive, func(name string, data []byte) []byte {
		if name != "manifest.json" {
			return data
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for _, tb := range m["tables"].([]any) {
			tb := tb.(map[string]any)
			if "tables/"+tb["name"].(string)+".jsonl" == entry {
				tb["sha256"], tb["rows"] = sum, rows
			}
		}
		out, _ := json.Marshal(m)
		return out
	})
}

// articlePage is the public page of the seed article as internal/site
// serves it from db.
func articlePage(t *testing.T, db string) []byte {
	t.Helper()
	s := open(t, db)
	portal, err := site.New(site.Options{Store: s, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	portal.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, seedArticlePath, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", seedArticlePath, rec.Code)
	}
	return rec.Body.Bytes()
}
