// Package backup writes a whole Newsdesk site (every table's rows and the
// media files) into one portable file and restores such a file into an
// empty database of either dialect. The file is a gzip-compressed tar:
// tables/NAME.jsonl (one JSON array per row, typed portably), media/NAME
// (the stored media files) and manifest.json last (format, versions,
// counts and SHA-256 of every entry), so a truncated file lacks it.
// Tables and foreign keys are discovered from the database, so a new
// migration's table is backed up without a change here.
package backup

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Skipped are tables a backup leaves out: sign-in sessions, sign-in
// throttles and rate-limit counters are short-lived state, and a restored
// site starts with everyone signed out.
var Skipped = []string{"sessions", "login_throttle", "rate_counts"}

// gooseTable is the migrations' own bookkeeping, recreated by migrating.
const gooseTable = "goose_db_version"

// Column is one column of a table with its portable type: integer, real,
// text, bytes, time or bool.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// table is a discovered table: its columns, the tables its foreign keys
// point at, and the columns that point into itself (a tree such as
// channels.parent_id), whose rows must be written parents first.
type table struct {
	Name    string
	Columns []Column
	Parents []string
	Self    [][2]string // [column, referenced column]
}

// portable maps a declared SQL type of either dialect to a portable one.
func portable(decl string) string {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "BOOL"):
		return "bool"
	case strings.Contains(d, "INT"):
		return "integer"
	case strings.Contains(d, "TIMESTAMP"), strings.Contains(d, "DATE"), d == "TIME", strings.HasPrefix(d, "TIME "):
		return "time"
	case strings.Contains(d, "BLOB"), strings.Contains(d, "BYTEA"):
		return "bytes"
	case strings.Contains(d, "REAL"), strings.Contains(d, "DOUBLE"), strings.Contains(d, "FLOAT"), strings.Contains(d, "NUMERIC"), strings.Contains(d, "DECIMAL"):
		return "real"
	}
	return "text"
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// discover lists the database's tables (without goose's) in foreign-key
// order: every table after the tables it references.
func discover(ctx context.Context, q querier, dialect string) ([]table, error) {
	var names []string
	listQuery := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if dialect == "postgres" {
		listQuery = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	if err := collect(ctx, q, &names, listQuery); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*table{}
	for _, n := range names {
		if n == gooseTable {
			continue
		}
		t := &table{Name: n}
		colQuery := `SELECT name, type FROM pragma_table_info($1) ORDER BY cid`
		fkQuery := `SELECT "table", "from", COALESCE("to", 'id') FROM pragma_foreign_key_list($1)`
		if dialect == "postgres" {
			colQuery = `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
			fkQuery = `SELECT pa.relname, a.attname, af.attname
				FROM pg_constraint c
				JOIN pg_class cl ON cl.oid = c.conrelid
				JOIN pg_namespace ns ON ns.oid = cl.relnamespace
				JOIN pg_class pa ON pa.oid = c.confrelid
				JOIN LATERAL unnest(c.conkey, c.confkey) AS k(ck, fk) ON true
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck
				JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fk
				WHERE c.contype = 'f' AND ns.nspname = current_schema() AND cl.relname = $1`
		}
		rows, err := q.QueryContext(ctx, colQuery, n)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", n, err)
		}
		for rows.Next() {
			var c, decl string
			if err := rows.Scan(&c, &decl); err != nil {
				rows.Close()
				return nil, fmt.Errorf("columns of %s: %w", n, err)
			}
			t.Columns = append(t.Columns, Column{Name: c, Type: portable(decl)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", n, err)
		}
		rows, err = q.QueryContext(ctx, fkQuery, n)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", n, err)
		}
		for rows.Next() {
			var parent, from, to string
			if err := rows.Scan(&parent, &from, &to); err != nil {
				rows.Close()
				return nil, fmt.Errorf("foreign keys of %s: %w", n, err)
			}
			if parent == n {
				t.Self = append(t.Self, [2]string{from, to})
			} else if !slices.Contains(t.Parents, parent) {
				t.Parents = append(t.Parents, parent)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", n, err)
		}
		byName[n] = t
	}
	return order(byName)
}

// order sorts tables so each follows the tables it references, by name
// among equals so two databases of one schema agree.
func order(byName map[string]*table) ([]table, error) {
	var names []string
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []table
	done := map[string]bool{}
	for len(out) < len(names) {
		progressed := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for _, p := range byName[n].Parents {
				if _, known := byName[p]; known && !done[p] {
					ready = false
				}
			}
			if ready {
				done[n] = true
				out = append(out, *byName[n])
				progressed = true
			}
		}
		if !progressed {
			var left []string
			for _, n := range names {
				if !done[n] {
					left = append(left, n)
				}
			}
			return nil, fmt.Errorf("tables %s reference each other in a cycle: no insert order exists", strings.Join(left, ", "))
		}
	}
	return out, nil
}

func collect(ctx context.Context, q querier, into *[]string, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*into = append(*into, s)
	}
	return rows.Err()
}

// quote makes a name an SQL identifier in both dialects.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
