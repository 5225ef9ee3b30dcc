// Package store keeps Newsdesk's data in SQLite or PostgreSQL with one body of
// plain SQL. The few places where the two differ are methods of a dialect
// value; schema migrations are embedded and versioned with goose.
package store
