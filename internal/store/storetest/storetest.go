// Package storetest gives each test a fresh, migrated database of each kind
// Newsdesk supports, so one suite runs on SQLite and PostgreSQL alike. The
// PostgreSQL half uses NEWSDESK_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/postgres), creating and dropping its own
// database; when the server is unreachable it skips loudly, or fails when
// CI=true.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver for the admin connection

	"newsdesk/internal/store"
)

// DefaultPostgres is the server the PostgreSQL half uses unless
// NEWSDESK_TEST_POSTGRES says otherwise.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres"

// Dialects are the database kinds every store test runs on.
var Dialects = []string{"sqlite", "postgres"}

// Each runs fn as a subtest once per dialect with a fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New opens a fresh migrated store of the given dialect, closed and removed
// when the test ends.
func New(t testing.TB, dialect string) *store.Store {
	t.Helper()
	u := URL(t, dialect)
	ctx := context.Background()
	s, err := store.Open(ctx, u)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return s
}

// URL returns the URL of a fresh, empty database of the given dialect, dropped
// when the test ends. Use it to test commands that open the database
// themselves.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "newsdesk.db")
	case "postgres":
		return postgresURL(t)
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}

func postgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("NEWSDESK_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgres
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		msg := fmt.Sprintf("PostgreSQL at %s is unreachable: %v", admin, err)
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: the PostgreSQL half must run)", msg)
		}
		t.Skipf("!!! SKIPPING the PostgreSQL half: %s. Set NEWSDESK_TEST_POSTGRES or start PostgreSQL.", msg)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "newsdesk_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("NEWSDESK_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
