package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var ctx = context.Background()

// TestDiscoverCoversEveryTable: discovery finds every table the migrations
// create (so a new migration's table is backed up without a change here)
// and orders each after the tables its foreign keys reference.
func TestDiscoverCoversEveryTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tables, err := discover(ctx, s.DB(), s.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		pos := map[string]int{}
		for i, tb := range tables {
			got = append(got, tb.Name)
			pos[tb.Name] = i
			if len(tb.Columns) == 0 {
				t.Errorf("table %s: no columns", tb.Name)
			}
		}
		for _, tb := range tables {
			for _, p := range tb.Parents {
				if pos[p] > pos[tb.Name] {
					t.Errorf("table %s comes before %s, which it references", tb.Name, p)
				}
			}
		}
		want := migrationTables(t, s.Dialect())
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("discovered tables:\n%v\nthe migrations create:\n%v", got, want)
		}
		for _, sk := range Skipped {
			if !slices.Contains(got, sk) {
				t.Errorf("skipped table %s does not exist", sk)
			}
		}
		channels := tables[pos["channels"]]
		if len(channels.Self) != 1 || channels.Self[0] != [2]string{"parent_id", "id"} {
			t.Errorf("channels' self reference: %v", channels.Self)
		}
	})
}

// migrationTables are the tables the dialect's migrations create and do
// not drop.
func migrationTables(t *testing.T, dialect string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "store", "migrations", dialect, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	create := regexp.MustCompile(`(?m)^CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		up, _, _ := strings.Cut(string(data), "-- +goose Down")
		for _, m := range create.FindAllStringSubmatch(up, -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

func TestOrder(t *testing.T) {
	for _, c := range []struct {
		name    string
		parents map[string][]string
		want    []string
		err     string
	}{
		{"independent by name", map[string][]string{"b": nil, "a": nil}, []string{"a", "b"}, ""},
		{"parents first", map[string][]string{"a": {"c"}, "b": {"a"}, "c": nil}, []string{"c", "a", "b"}, ""},
		{"unknown parent ignored", map[string][]string{"a": {"gone"}}, []string{"a"}, ""},
		{"cycle", map[string][]string{"a": {"b"}, "b": {"a"}, "c": nil}, nil, "tables a, b reference each other in a cycle"},
	} {
		t.Run(c.name, func(t *testing.T) {
			byName := map[string]*table{}
			for n, p := range c.parents {
				byName[n] = &table{Name: n, Parents: p}
			}
			got, err := order(byName)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			var names []string
			for _, tb := range got {
				names = append(names, tb.Name)
			}
			if err != nil || !slices.Equal(names, c.want) {
				t.Errorf("order: %v %v, want %v", names, err, c.want)
			}
		})
	}
}

func TestParentsFirst(t *testing.T) {
	tb := table{Name: "channels", Columns: []Column{{"id", "integer"}, {"parent_id", "integer"}}, Self: [][2]string{{"parent_id", "id"}}}
	n := func(i int64) any { return i }
	for _, c := range []struct {
		name string
		rows [][]any
		err  bool
	}{
		{"child before parent", [][]any{{n(1), n(3)}, {n(2), nil}, {n(3), n(2)}}, false},
		{"dangling parent", [][]any{{n(1), n(9)}}, false},
		{"cycle", [][]any{{n(1), n(2)}, {n(2), n(1)}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parentsFirst(tb, c.rows)
			if c.err {
				if err == nil {
					t.Fatal("no error for a cycle")
				}
				return
			}
			if err != nil || len(got) != len(c.rows) {
				t.Fatalf("%v %v", got, err)
			}
			seen := map[any]bool{}
			present := map[any]bool{}
			for _, r := range c.rows {
				present[r[0]] = true
			}
			for _, r := range got {
				if r[1] != nil && present[r[1]] && !seen[r[1]] {
					t.Errorf("row %v before its parent", r)
				}
				seen[r[0]] = true
			}
		})
	}
}

// TestValues: every portable type survives encode, JSON and decode, into
// a target column of the same or the other dialect's type.
func TestValues(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("CST", 8*3600))
	for _, c := range []struct {
		name         string
		in           any
		typ, target  string
		encoded, out any
	}{
		{"null", nil, "text", "text", nil, nil},
		{"integer", int64(-42), "integer", "integer", "-42", int64(-42)},
		{"int32", int32(7), "integer", "integer", "7", int64(7)},
		{"sqlite bool to postgres", int64(1), "bool", "bool", "true", true},
		{"bool into integer column", true, "bool", "integer", "true", int64(1)},
		{"real", 2.5, "real", "real", "2.5", 2.5},
		{"time to the microsecond in UTC", at, "time", "time", `"2024-02-29T15:59:58.123456Z"`, at.UTC().Truncate(time.Microsecond)},
		{"sqlite time text", "2024-02-29 15:59:58.5+00:00", "time", "time", `"2024-02-29T15:59:58.5Z"`, time.Date(2024, 2, 29, 15, 59, 58, 5e8, time.UTC)},
		{"bytes", []byte{0, 1, 0xff}, "bytes", "bytes", `"AAH/"`, []byte{0, 1, 0xff}},
		{"text", "新闻 \"quoted\"", "text", "text", `"新闻 \"quoted\""`, "新闻 \"quoted\""},
		{"text from bytes", []byte("plain"), "text", "text", `"plain"`, "plain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			enc, err := encode(c.in, c.typ)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(enc)
			if c.encoded != nil && string(b) != c.encoded {
				t.Errorf("encoded %s, want %s", b, c.encoded)
			}
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			out, err := decode(v, c.typ, c.target)
			if err != nil {
				t.Fatal(err)
			}
			gb, _ := json.Marshal(out)
			wb, _ := json.Marshal(c.out)
			if string(gb) != string(wb) {
				t.Errorf("decoded %s (%T), want %s (%T)", gb, out, wb, c.out)
			}
		})
	}
	for _, c := range []struct {
		v        any
		typ, msg string
	}{
		{"x", "integer", "is not a integer"},
		{"not base64!", "bytes", "not base64"},
		{"yesterday", "time", "is not an RFC 3339 time"},
		{true, "text", "is not a string"},
	} {
		if _, err := decode(c.v, c.typ, c.typ); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("decode %v as %s: %v, want %q", c.v, c.typ, err, c.msg)
		}
	}
}

// FuzzVerify: no file makes Verify panic, and what it accepts is a
// complete backup by its own manifest.
func FuzzVerify(f *testing.F) {
	data := tinyBackup(f)
	if m, err := verify(bytes.NewReader(data), "tiny.tar.gz"); err != nil || len(m.Tables) != 1 {
		f.Fatalf("a well-formed backup does not verify: %+v %v", m, err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte{})
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := verify(bytes.NewReader(b), "fuzz.tar.gz")
		if err == nil && (m.Format != FormatVersion || m.SchemaVersion <= 0) {
			t.Errorf("accepted a manifest %+v", m)
		}
	})
}

// TestVerifyRefusesForeignMediaNames: a media entry whose name the media
// library would not make (a path out of --media) is refused before any
// file is written.
func TestVerifyRefusesForeignMediaNames(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"ab/" + hash + ".jpg", true},
		{"ab/" + hash + "-320.webp", true},
		{"../../etc/" + hash + ".jpg", false},
		{"ab/../" + hash + ".jpg", false},
		{"ab/x.jpg", false},
	} {
		_, err := verify(bytes.NewReader(tinyBackup(t, c.name)), "x.tar.gz")
		if c.ok != (err == nil) {
			t.Errorf("media %q: %v", c.name, err)
		}
		if !c.ok && err != nil && !strings.Contains(err.Error(), "is not one the media library makes") {
			t.Errorf("media %q: %v", c.name, err)
		}
	}
}

// tinyBackup is a well-formed backup of one two-row table and the given
// media files, built by hand.
func tinyBackup(t testing.TB, media ...string) []byte {
	t.Helper()
	rows := "[1,\"a\"]\n[2,null]\n"
	sum := sha256.Sum256([]byte(rows))
	m := Manifest{Format: FormatVersion, SchemaVersion: 9, Dialect: "sqlite", Tables: []TableInfo{{Name: "t",
		Columns: []Column{{"id", "integer"}, {"v", "text"}}, Rows: 2, SHA256: hex.EncodeToString(sum[:])}}}
	entries := []struct{ name, data string }{{"tables/t.jsonl", rows}}
	for _, name := range media {
		fs := sha256.Sum256([]byte(name))
		m.Media = append(m.Media, FileInfo{Name: name, Bytes: int64(len(name)), SHA256: hex.EncodeToString(fs[:])})
		entries = append(entries, struct{ name, data string }{mediaDir + name, name})
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	entries = append(entries, struct{ name, data string }{manifestName, string(manifest)})
	for _, e := range entries {
		if err := writeEntry(tw, e.name, []byte(e.data), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}
