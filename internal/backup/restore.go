package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"newsdesk/internal/store"
)

// Report is what a restore did.
type Report struct {
	Manifest Manifest
	// Migrated is how many migrations ran after loading, to bring the
	// restored site up to this binary's schema.
	Migrated int
	// AuditEntries is the length of the audit chain, verified intact.
	AuditEntries int64
}

// contentTables are the tables whose rows make a database "not empty".
var contentTables = []string{"articles", "users", "settings", "channels", "pages", "media", "audit_log"}

// contentLabels name contentTables' rows in messages.
var contentLabels = map[string]string{"articles": "articles", "users": "users", "settings": "settings", "channels": "channels",
	"pages": "pages", "media": "media files", "audit_log": "audit log entries"}

// CorruptError says what is wrong with a backup file.
type CorruptError struct {
	File   string
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("backup %s is not a usable Newsdesk backup: %s", e.File, e.Reason)
}

// Verify reads the whole file, checks every entry against the manifest
// (sizes, row counts, SHA-256) and returns the manifest. It changes nothing.
func Verify(path string) (Manifest, error) {
	var m Manifest
	f, err := os.Open(path)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	return verify(f, path)
}

// verify is Verify over a reader; path names the file in messages.
func verify(r io.Reader, path string) (Manifest, error) {
	var m Manifest
	bad := func(format string, args ...any) error {
		return &CorruptError{File: path, Reason: fmt.Sprintf(format, args...)}
	}
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return m, bad("not gzip-compressed (%v)", err)
	}
	tr := tar.NewReader(zr)
	sums := map[string]string{}
	lines := map[string]int64{}
	sizes := map[string]int64{}
	var manifest []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, bad("after %d entries: %v (the file is truncated or damaged)", len(sums), err)
		}
		if manifest != nil {
			return m, bad("entry %s follows the manifest, which must be last", h.Name)
		}
		sum := sha256.New()
		var n int64
		var data []byte
		if h.Name == manifestName {
			data, err = io.ReadAll(io.LimitReader(tr, 64<<20))
			n = int64(len(data))
		} else {
			cw := &lineCounter{}
			n, err = io.Copy(io.MultiWriter(sum, cw), tr)
			lines[h.Name] = cw.lines
		}
		if err != nil {
			return m, bad("entry %s: %v (the file is truncated or damaged)", h.Name, err)
		}
		if h.Name == manifestName {
			manifest = data
			continue
		}
		sums[h.Name] = hex.EncodeToString(sum.Sum(nil))
		sizes[h.Name] = n
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return m, bad("%v (the file is truncated or damaged)", err)
	}
	if manifest == nil {
		return m, bad("it has no manifest.json at its end (the file is truncated, or not a backup)")
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return m, bad("manifest.json: %v", err)
	}
	if m.Format != FormatVersion {
		return m, bad("format version %d; this Newsdesk reads version %d", m.Format, FormatVersion)
	}
	if m.SchemaVersion <= 0 {
		return m, bad("manifest.json names no schema version")
	}
	seen := map[string]bool{}
	for _, t := range m.Tables {
		name := tablesDir + t.Name + ".jsonl"
		seen[name] = true
		switch got, ok := sums[name]; {
		case !ok:
			return m, bad("table %s is in the manifest but not in the file", t.Name)
		case got != t.SHA256:
			return m, bad("table %s does not match its checksum", t.Name)
		case lines[name] != t.Rows:
			return m, bad("table %s has %d rows, the manifest says %d", t.Name, lines[name], t.Rows)
		}
		if len(t.Columns) == 0 {
			return m, bad("table %s has no columns", t.Name)
		}
	}
	for _, f := range m.Media {
		if !mediaName.MatchString(f.Name) {
			return m, bad("media file name %q is not one the media library makes", f.Name)
		}
		name := mediaDir + f.Name
		seen[name] = true
		switch got, ok := sums[name]; {
		case !ok:
			return m, bad("media file %s is in the manifest but not in the file", f.Name)
		case got != f.SHA256 || sizes[name] != f.Bytes:
			return m, bad("media file %s does not match its checksum", f.Name)
		}
	}
	for name := range sums {
		if !seen[name] {
			return m, bad("entry %s is not in the manifest", name)
		}
	}
	return m, nil
}

// mediaName is the form of every name the media library stores
// (ab/HASH.ext, ab/HASH-WIDTH.ext): nothing else may be written to --media.
var mediaName = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{64}(-[0-9]+)?\.[a-z0-9]+$`)

type lineCounter struct{ lines int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// Restore loads the backup at path into s, which must hold no articles,
// users, settings or other content. It checks the whole file first,
// migrates s to the backup's schema, inserts every table in one
// transaction (nothing is left half-restored), sets PostgreSQL's id
// sequences past the restored ids, copies the media files back, migrates
// on to this binary's schema and verifies the audit chain.
func Restore(ctx context.Context, s *store.Store, path string, o Options) (Report, error) {
	var r Report
	m, err := Verify(path)
	if err != nil {
		return r, err
	}
	r.Manifest = m
	if err := refuseNonEmpty(ctx, s); err != nil {
		return r, err
	}
	current, known, err := s.SchemaVersion(ctx)
	if err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	if m.SchemaVersion > known {
		return r, fmt.Errorf("restore: the backup's schema is version %d, newer than this binary's %d: restore it with a newer newsdesk", m.SchemaVersion, known)
	}
	if current > m.SchemaVersion {
		return r, fmt.Errorf("restore: the database is already migrated to schema %d, past the backup's %d: restore into a new, empty database", current, m.SchemaVersion)
	}
	if len(m.Media) > 0 && o.Files == nil {
		return r, errors.New("restore: the backup has media files but no media storage was given")
	}
	if _, err := s.MigrateTo(ctx, m.SchemaVersion); err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	if err := load(ctx, s, path, m, o); err != nil {
		return r, err
	}
	if r.Migrated, err = s.Migrate(ctx); err != nil {
		return r, fmt.Errorf("restore: rows restored, but migrating on from schema %d failed: %w", m.SchemaVersion, err)
	}
	if r.AuditEntries, err = s.VerifyAudit(ctx); err != nil {
		return r, fmt.Errorf("restore: rows restored, but the audit chain does not verify: %w", err)
	}
	return r, nil
}

// refuseNonEmpty names what a database already holds.
func refuseNonEmpty(ctx context.Context, s *store.Store) error {
	tables, err := discover(ctx, s.DB(), s.Dialect())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	var held []string
	for _, name := range contentTables {
		if !slices.ContainsFunc(tables, func(t table) bool { return t.Name == name }) {
			continue
		}
		t := table{Name: name}
		var n int64
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.Name)).Scan(&n); err != nil {
			return fmt.Errorf("restore: count %s: %w", t.Name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%d %s", n, contentLabels[t.Name]))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("restore: the database is not empty (it holds %s): restore only into a new, empty database", strings.Join(held, ", "))
	}
	return nil
}

// load inserts every table in one transaction and copies the media back
// before committing, so a failure anywhere leaves the database as it was.
func load(ctx context.Context, s *store.Store, path string, m Manifest, o Options) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tr := tar.NewReader(zr)

	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("restore: begin: %w", err)
	}
	defer tx.Rollback()
	if s.Dialect() == "sqlite" {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	target, err := discover(ctx, tx, s.Dialect())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	byName := map[string]table{}
	for _, t := range target {
		byName[t.Name] = t
	}
	for _, t := range m.Tables {
		if _, ok := byName[t.Name]; !ok {
			return fmt.Errorf("restore: the backup's table %s does not exist at schema %d here", t.Name, m.SchemaVersion)
		}
	}
	// Rows the migrations themselves wrote (a cursor, say) make way.
	for i := len(target) - 1; i >= 0; i-- {
		t := target[i]
		if slices.ContainsFunc(m.Tables, func(b TableInfo) bool { return b.Name == t.Name }) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(t.Name)); err != nil {
				return fmt.Errorf("restore: clear %s: %w", t.Name, err)
			}
		}
	}
	tables := map[string]TableInfo{}
	for _, t := range m.Tables {
		tables[tablesDir+t.Name+".jsonl"] = t
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("restore: read %s: %w", path, err)
		}
		switch {
		case h.Name == manifestName:
		case strings.HasPrefix(h.Name, tablesDir):
			t := tables[h.Name]
			if err := insertTable(ctx, tx, t, byName[t.Name], tr); err != nil {
				return fmt.Errorf("restore: table %s: %w", t.Name, err)
			}
			o.progress(len(m.Tables)+len(m.Media), "table %s: %d rows", t.Name, t.Rows)
		case strings.HasPrefix(h.Name, mediaDir):
			name := strings.TrimPrefix(h.Name, mediaDir)
			data, err := io.ReadAll(tr)
			if err != nil {
				return fmt.Errorf("restore: media %s: %w", name, err)
			}
			if err := o.Files.Put(ctx, name, data); err != nil {
				return fmt.Errorf("restore: media %s: %w", name, err)
			}
			o.progress(len(m.Tables)+len(m.Media), "media %s: %d bytes", name, len(data))
		}
	}
	if s.Dialect() == "postgres" {
		if err := fixSequences(ctx, tx, target); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("restore: commit: %w", err)
	}
	return nil
}

func insertTable(ctx context.Context, tx *sql.Tx, t TableInfo, target table, r io.Reader) error {
	types := map[string]string{}
	for _, c := range target.Columns {
		types[c.Name] = c.Type
	}
	cols := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		if _, ok := types[c.Name]; !ok {
			return fmt.Errorf("column %s does not exist here", c.Name)
		}
		cols[i] = quote(c.Name)
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+quote(t.Name)+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	dec := json.NewDecoder(r)
	dec.UseNumber()
	for n := 1; ; n++ {
		var line []any
		if err := dec.Decode(&line); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		if len(line) != len(t.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", n, len(line), len(t.Columns))
		}
		args := make([]any, len(line))
		for i, c := range t.Columns {
			if args[i], err = decode(line[i], c.Type, types[c.Name]); err != nil {
				return fmt.Errorf("row %d, column %s: %w", n, c.Name, err)
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
	}
}

// fixSequences moves every PostgreSQL id sequence past the highest id
// restored, so new rows get fresh ids.
func fixSequences(ctx context.Context, tx *sql.Tx, tables []table) error {
	for _, t := range tables {
		for _, c := range t.Columns {
			if c.Type != "integer" {
				continue
			}
			var seq sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, quote(t.Name), c.Name).Scan(&seq); err != nil {
				return fmt.Errorf("restore: sequence of %s.%s: %w", t.Name, c.Name, err)
			}
			if !seq.Valid {
				continue
			}
			q := `SELECT setval($1, COALESCE((SELECT MAX(` + quote(c.Name) + `) FROM ` + quote(t.Name) + `), 0) + 1, false)`
			if _, err := tx.ExecContext(ctx, q, seq.String); err != nil {
				return fmt.Errorf("restore: set sequence %s: %w", seq.String, err)
			}
		}
	}
	return nil
}
