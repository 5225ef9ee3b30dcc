package store

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// dialect holds what differs between SQLite and PostgreSQL. Query text is
// portable ($N placeholders, RETURNING, ON CONFLICT work on both); only driver
// set-up, migrations and error classification live here.
type dialect struct {
	name       string // "sqlite" or "postgres"
	driver     string // database/sql driver name
	goose      goose.Dialect
	migrations string // folder under migrations/
}

var (
	sqliteDialect   = dialect{name: "sqlite", driver: "sqlite", goose: goose.DialectSQLite3, migrations: "migrations/sqlite"}
	postgresDialect = dialect{name: "postgres", driver: "pgx", goose: goose.DialectPostgres, migrations: "migrations/postgres"}
)

// lockAudit serialises appends to the audit chain. SQLite transactions
// already hold the database's one write lock (_txlock=immediate); PostgreSQL
// nodes take a transaction-scoped advisory lock.
func (d dialect) lockAudit(ctx context.Context, tx *sql.Tx) error {
	if d.name != "postgres" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7021001)`)
	return err
}

// lockChangeLog serialises appends to the change log the same way.
func (d dialect) lockChangeLog(ctx context.Context, tx *sql.Tx) error {
	if d.name != "postgres" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7021002)`)
	return err
}
