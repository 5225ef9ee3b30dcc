package backup

import (
	"archive/tar"
	"bufio"
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
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/media"
	"newsdesk/internal/store"
)

// FormatVersion is the version of the file layout this code writes and reads.
const FormatVersion = 1

// Manifest describes a backup; it is the file's last entry.
type Manifest struct {
	Format        int         `json:"format"`
	Newsdesk      string      `json:"newsdesk_version"`
	SchemaVersion int64       `json:"schema_version"`
	Dialect       string      `json:"dialect"`
	Created       time.Time   `json:"created"`
	Tables        []TableInfo `json:"tables"`
	Skipped       []string    `json:"skipped_tables"`
	Media         []FileInfo  `json:"media"`
	// MissingMedia are files the media table names that storage lacked.
	MissingMedia []string `json:"missing_media,omitempty"`
}

// TableInfo is one table in a backup: its columns, rows and the SHA-256 of
// its tables/NAME.jsonl entry.
type TableInfo struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
}

// FileInfo is one media file in a backup, under media/NAME.
type FileInfo struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Rows is the number of rows across all tables.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Options are what Create and Restore need besides the store and file.
type Options struct {
	// Files is the media storage (a folder or S3 bucket).
	Files media.Files
	// Version is this binary's Newsdesk version, recorded in the manifest.
	Version string
	// Progress, when set, hears of each table and media file done, and of
	// how many there are in all (0 while a backup does not know yet).
	Progress func(total int, what string)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (o Options) progress(total int, format string, args ...any) {
	if o.Progress != nil {
		o.Progress(total, fmt.Sprintf(format, args...))
	}
}

// Create writes a backup of s and its media to path. Every table is read in
// one read-only transaction (REPEATABLE READ on PostgreSQL), so the copy
// is consistent while the site keeps running. The file is written beside
// path under a temporary name and renamed at the end: path is either the
// whole backup or untouched.
func Create(ctx context.Context, s *store.Store, path string, o Options) (Manifest, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	m := Manifest{Format: FormatVersion, Newsdesk: o.Version, Dialect: s.Dialect(), Created: now().UTC().Truncate(time.Second), Skipped: Skipped}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	zw := gzip.NewWriter(bw)
	tw := tar.NewWriter(zw)
	var mediaRows []map[string]any
	if err := dumpTables(ctx, s, tw, &m, &mediaRows, o); err != nil {
		return m, err
	}
	if err := copyMedia(ctx, tw, mediaRows, &m, o); err != nil {
		return m, err
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("backup: manifest: %w", err)
	}
	if err := writeEntry(tw, manifestName, manifest, m.Created); err != nil {
		return m, err
	}
	for _, c := range []func() error{tw.Close, zw.Close, bw.Flush, tmp.Sync, tmp.Close} {
		if err := c(); err != nil {
			return m, fmt.Errorf("backup: write %s: %w", tmp.Name(), err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	ok = true
	return m, nil
}

const (
	manifestName = "manifest.json"
	tablesDir    = "tables/"
	mediaDir     = "media/"
)

func writeEntry(tw *tar.Writer, name string, data []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	return nil
}

// dumpTables writes every table, in foreign-key order, from one read-only
// transaction; the media table's rows are kept to find the media files.
func dumpTables(ctx context.Context, s *store.Store, tw *tar.Writer, m *Manifest, mediaRows *[]map[string]any, o Options) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect() == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.DB().BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("backup: begin read transaction: %w", err)
	}
	defer tx.Rollback()
	// The first read fixes SQLite's snapshot; the schema version is read in it.
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+gooseTable).Scan(&m.SchemaVersion); err != nil {
		return fmt.Errorf("backup: schema version (is the database migrated?): %w", err)
	}
	tables, err := discover(ctx, tx, s.Dialect())
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, t := range tables {
		if slices.Contains(Skipped, t.Name) {
			continue
		}
		info, err := dumpTable(ctx, tx, tw, t, m.Created, func(row map[string]any) {
			if t.Name == "media" {
				*mediaRows = append(*mediaRows, row)
			}
		})
		if err != nil {
			return fmt.Errorf("backup: table %s: %w", t.Name, err)
		}
		m.Tables = append(m.Tables, info)
		o.progress(0, "table %s: %d rows", t.Name, info.Rows)
	}
	return nil
}

// dumpTable spools a table's rows as JSON lines to a temporary file (a tar
// entry needs its size first), then copies it into the archive.
func dumpTable(ctx context.Context, tx *sql.Tx, tw *tar.Writer, t table, at time.Time, each func(map[string]any)) (TableInfo, error) {
	info := TableInfo{Name: t.Name, Columns: t.Columns}
	spool, err := os.CreateTemp("", "newsdesk-backup-*.jsonl")
	if err != nil {
		return info, err
	}
	defer func() { spool.Close(); os.Remove(spool.Name()) }()
	h := sha256.New()
	w := bufio.NewWriter(io.MultiWriter(spool, h))
	cols := make([]string, len(t.Columns))
	orderBy := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quote(c.Name)
		orderBy[i] = strconv.Itoa(i + 1)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+quote(t.Name)+` ORDER BY `+strings.Join(orderBy, ", "))
	if err != nil {
		return info, err
	}
	defer rows.Close()
	var lines [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return info, err
		}
		line := make([]any, len(cols))
		row := map[string]any{}
		for i, c := range t.Columns {
			if line[i], err = encode(vals[i], c.Type); err != nil {
				return info, fmt.Errorf("column %s: %w", c.Name, err)
			}
			row[c.Name] = line[i]
		}
		each(row)
		if len(t.Self) > 0 {
			lines = append(lines, line)
			continue
		}
		if err := writeLine(w, line); err != nil {
			return info, err
		}
		info.Rows++
	}
	if err := rows.Err(); err != nil {
		return info, err
	}
	if len(t.Self) > 0 {
		sorted, err := parentsFirst(t, lines)
		if err != nil {
			return info, err
		}
		for _, line := range sorted {
			if err := writeLine(w, line); err != nil {
				return info, err
			}
			info.Rows++
		}
	}
	if err := w.Flush(); err != nil {
		return info, err
	}
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	size, err := spool.Seek(0, io.SeekCurrent)
	if err != nil {
		return info, err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return info, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: tablesDir + t.Name + ".jsonl", Mode: 0o644, Size: size, ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return info, err
	}
	_, err = io.Copy(tw, spool)
	return info, err
}

func writeLine(w *bufio.Writer, line []any) error {
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	w.Write(b)
	return w.WriteByte('\n')
}

// parentsFirst orders the rows of a table that references itself so that
// each row follows the row it points at.
func parentsFirst(t table, lines [][]any) ([][]any, error) {
	idx := func(name string) int {
		return slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
	}
	key := func(v any) string { return fmt.Sprint(v) }
	type link struct{ from, to int }
	var links []link
	for _, s := range t.Self {
		links = append(links, link{idx(s[0]), idx(s[1])})
	}
	present := map[int]map[string]bool{} // referenced column -> values present
	for _, l := range links {
		present[l.to] = map[string]bool{}
		for _, line := range lines {
			present[l.to][key(line[l.to])] = true
		}
	}
	written := map[int]map[string]bool{}
	for _, l := range links {
		written[l.to] = map[string]bool{}
	}
	var out [][]any
	left := lines
	for len(left) > 0 {
		var next [][]any
		for _, line := range left {
			ready := true
			for _, l := range links {
				v := line[l.from]
				if v != nil && present[l.to][key(v)] && !written[l.to][key(v)] {
					ready = false
				}
			}
			if !ready {
				next = append(next, line)
				continue
			}
			out = append(out, line)
			for _, l := range links {
				written[l.to][key(line[l.to])] = true
			}
		}
		if len(next) == len(left) {
			return nil, errors.New("rows reference each other in a cycle")
		}
		left = next
	}
	return out, nil
}

// mediaNames are the stored files of one media row: the original and each
// resized variant, as the media library names them.
func mediaNames(row map[string]any) ([]string, error) {
	hash, _ := row["hash"].(string)
	ext, _ := row["ext"].(string)
	if len(hash) < 2 || ext == "" {
		return nil, fmt.Errorf("media row %v has no hash or extension", row["id"])
	}
	names := []string{hash[:2] + "/" + hash + "." + ext}
	if v, _ := row["variants"].(string); v != "" {
		var variants []struct {
			Width int `json:"width"`
		}
		if err := json.Unmarshal([]byte(v), &variants); err != nil {
			return nil, fmt.Errorf("media %s: variants: %w", hash, err)
		}
		for _, x := range variants {
			names = append(names, hash[:2]+"/"+hash+"-"+strconv.Itoa(x.Width)+"."+ext)
		}
	}
	return names, nil
}

// copyMedia adds every file the media table names. Files are named by their
// content's hash and never change, so reading them after the transaction
// still matches it. A file storage lacks is recorded and reported, not fatal:
// the backup is still the best copy there is.
func copyMedia(ctx context.Context, tw *tar.Writer, rows []map[string]any, m *Manifest, o Options) error {
	if len(rows) > 0 && o.Files == nil {
		return errors.New("backup: the site has media files but no media storage was given")
	}
	for _, row := range rows {
		names, err := mediaNames(row)
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		for _, name := range names {
			info, err := copyFile(ctx, tw, o.Files, name, m.Created)
			if errors.Is(err, os.ErrNotExist) {
				m.MissingMedia = append(m.MissingMedia, name)
				o.progress(0, "media %s: MISSING from storage", name)
				continue
			}
			if err != nil {
				return fmt.Errorf("backup: media %s: %w", name, err)
			}
			m.Media = append(m.Media, info)
			o.progress(0, "media %s: %d bytes", name, info.Bytes)
		}
	}
	return nil
}

func copyFile(ctx context.Context, tw *tar.Writer, files media.Files, name string, at time.Time) (FileInfo, error) {
	info := FileInfo{Name: name}
	f, _, err := files.Open(ctx, name)
	if err != nil {
		return info, err
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return info, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return info, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: mediaDir + name, Mode: 0o644, Size: size, ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return info, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), f)
	if err != nil {
		return info, err
	}
	info.Bytes, info.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return info, nil
}
