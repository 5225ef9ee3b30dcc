package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaBehind means the database has not been migrated to what this binary
// expects; the message says which command fixes it.
var ErrSchemaBehind = errors.New("database schema is behind")

// SchemaBehindError reports the versions involved in ErrSchemaBehind.
type SchemaBehindError struct{ Current, Target int64 }

func (e *SchemaBehindError) Error() string {
	return fmt.Sprintf("database schema is at version %d, this binary needs %d: run `newsdesk migrate` (or `newsdesk serve --automigrate`)", e.Current, e.Target)
}

// Unwrap lets callers test for ErrSchemaBehind.
func (e *SchemaBehindError) Unwrap() error { return ErrSchemaBehind }

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, s.d.migrations)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(s.d.goose, s.db, sub)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration, each in its own transaction, and
// returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// SchemaVersion returns the database's schema version and the one this binary
// was built for.
func (s *Store) SchemaVersion(ctx context.Context) (current, target int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	current, target, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, target, nil
}

// CheckSchema returns a *SchemaBehindError when migrations are pending, and an
// error when the database is newer than this binary knows.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, target, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current < target {
		return &SchemaBehindError{Current: current, Target: target}
	}
	if current > target {
		return fmt.Errorf("database schema is at version %d, newer than this binary's %d: upgrade newsdesk", current, target)
	}
	return nil
}

// MigrateTo applies pending migrations up to and including version, no
// further: a restore brings an empty database to the backup's schema
// before loading rows written under it.
func (s *Store) MigrateTo(ctx context.Context, version int64) (int, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.UpTo(ctx, version)
	if err != nil {
		return len(res), fmt.Errorf("migrate to %d: %w", version, err)
	}
	return len(res), nil
}
