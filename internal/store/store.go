package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Store is Newsdesk's database. Reads and single writes go straight through it;
// anything that must change several rows at once goes through InTx.
type Store struct {
	queries
	db *sql.DB
	d  dialect
	// Path is the SQLite file, "" for PostgreSQL; media and index folders
	// default to live beside it.
	Path string
	// watchers hear of changes committed through this Store at once.
	watchers *watchers
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries carries every query method, so the same methods run on the pool and
// inside a transaction.
type queries struct {
	q querier
	d dialect
}

// Tx is one open transaction; its methods are the Store's.
type Tx struct {
	queries
	tx      *sql.Tx
	changed bool // appended to the change log: tell local watchers on commit
}

// DefaultURL is where Newsdesk keeps its data when nothing else is said.
const DefaultURL = "sqlite:./newsdesk-data/newsdesk.db"

// Option adjusts how Open connects, for a command whose use of the
// database differs from the server's.
type Option func(*options)

type options struct {
	mmap int64 // SQLite mmap_size in bytes; 0 leaves SQLite's default (off)
}

// MemoryMapped lets SQLite read the file through a memory map of up to limit
// bytes instead of copying each page it reads into its own cache. A job that
// reads most of the database once, such as the static export, spends about
// 8% less CPU so (10,000 articles); the server leaves it off, as mapped
// pages count in its resident memory. PostgreSQL ignores it.
func MemoryMapped(limit int64) Option {
	return func(o *options) { o.mmap = limit }
}

// Open connects to the database named by url: "sqlite:PATH" (the file and its
// folder are created when missing) or "postgres://...". It does not migrate.
func Open(ctx context.Context, dbURL string, opts ...Option) (*Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var (
		d    dialect
		dsn  string
		path string
	)
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		d = sqliteDialect
		path = strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("open database: %q names no file (use sqlite:PATH)", dbURL)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open database: create folder for %s: %w", path, err)
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		if o.mmap > 0 {
			q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", o.mmap))
		}
		q.Set("_txlock", "immediate")
		q.Set("_time_format", "sqlite")
		dsn = "file:" + path + "?" + q.Encode()
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		d = postgresDialect
		dsn = dbURL
	default:
		return nil, fmt.Errorf("open database: unsupported URL %q (use sqlite:PATH or postgres://...)", redact(dbURL))
	}
	db, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redact(dbURL), err)
	}
	if d.name == "sqlite" {
		// One writer at a time is SQLite's model; a handful of connections lets
		// readers run beside it under WAL.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", redact(dbURL), err)
	}
	return &Store{queries: queries{q: db, d: d}, db: db, d: d, Path: path, watchers: &watchers{}}, nil
}

// redact hides a password in a database URL before it reaches a message.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return dbURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close releases the connections.
func (s *Store) Close() error { return s.db.Close() }

// Dialect names the database kind: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// DB exposes the pool for tests and tools that need raw access.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InTx runs fn in one transaction, committing when fn returns nil and rolling
// back otherwise, so a failed step leaves nothing half-written.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{queries: queries{q: sqlTx, d: s.d}, tx: sqlTx}
	if err := fn(tx); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.changed {
		s.watchers.signal()
	}
	return nil
}

// nullTime turns the zero time into SQL NULL and anything else into UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOf turns a scanned nullable time back into the zero time or UTC.
func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
