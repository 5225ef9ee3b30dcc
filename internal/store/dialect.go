package store

import (
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
