package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"newsdesk/internal/news"
)

// Pages loads every standing page in position order.
func (q *queries) Pages(ctx context.Context) ([]news.Page, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT slug, titles, bodies, position FROM pages ORDER BY position, slug`)
	if err != nil {
		return nil, fmt.Errorf("load pages: %w", err)
	}
	defer rows.Close()
	var out []news.Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load pages: %w", err)
	}
	return out, nil
}

// PageBySlug finds one page, or news.ErrNotFound.
func (q *queries) PageBySlug(ctx context.Context, slug string) (news.Page, error) {
	p, err := scanPage(q.q.QueryRowContext(ctx, `SELECT slug, titles, bodies, position FROM pages WHERE slug = $1`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Page{}, fmt.Errorf("page %q: %w", slug, news.ErrNotFound)
	}
	return p, err
}

type scanner interface{ Scan(dest ...any) error }

func scanPage(row scanner) (news.Page, error) {
	var p news.Page
	var titles, bodies string
	if err := row.Scan(&p.Slug, &titles, &bodies, &p.Position); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
		return p, fmt.Errorf("load page: %w", err)
	}
	if err := json.Unmarshal([]byte(titles), &p.Title); err != nil {
		return p, fmt.Errorf("page %s: titles: %w", p.Slug, err)
	}
	if err := json.Unmarshal([]byte(bodies), &p.Body); err != nil {
		return p, fmt.Errorf("page %s: bodies: %w", p.Slug, err)
	}
	return p, nil
}

// UpsertPage creates or updates a page and reports whether anything changed.
func (q *queries) UpsertPage(ctx context.Context, p news.Page) (bool, error) {
	titles, err := json.Marshal(p.Title)
	if err != nil {
		return false, fmt.Errorf("page %s: %w", p.Slug, err)
	}
	bodies, err := json.Marshal(p.Body)
	if err != nil {
		return false, fmt.Errorf("page %s: %w", p.Slug, err)
	}
	old, err := q.PageBySlug(ctx, p.Slug)
	if err == nil {
		ot, _ := json.Marshal(old.Title)
		ob, _ := json.Marshal(old.Body)
		if string(ot) == string(titles) && string(ob) == string(bodies) && old.Position == p.Position {
			return false, nil
		}
	} else if !errors.Is(err, news.ErrNotFound) {
		return false, err
	}
	if _, err := q.q.ExecContext(ctx,
		`INSERT INTO pages (slug, titles, bodies, position) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (slug) DO UPDATE SET titles = excluded.titles, bodies = excluded.bodies, position = excluded.position`,
		p.Slug, string(titles), string(bodies), p.Position); err != nil {
		return false, fmt.Errorf("save page %s: %w", p.Slug, err)
	}
	return true, nil
}
