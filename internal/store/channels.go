package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"newsdesk/internal/news"
)

// Channels loads the whole channel tree.
func (q *queries) Channels(ctx context.Context) (*news.ChannelTree, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), slug, path, names, position FROM channels ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("load channels: %w", err)
	}
	defer rows.Close()
	var list []news.Channel
	for rows.Next() {
		var c news.Channel
		var names string
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Slug, &c.Path, &names, &c.Position); err != nil {
			return nil, fmt.Errorf("load channels: %w", err)
		}
		if err := json.Unmarshal([]byte(names), &c.Name); err != nil {
			return nil, fmt.Errorf("load channel %s: names: %w", c.Path, err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load channels: %w", err)
	}
	return news.NewChannelTree(list), nil
}

// ChannelByPath finds one channel by slug path, or news.ErrNotFound.
func (q *queries) ChannelByPath(ctx context.Context, path string) (news.Channel, error) {
	var c news.Channel
	var names string
	err := q.q.QueryRowContext(ctx, `SELECT id, COALESCE(parent_id, 0), slug, path, names, position FROM channels WHERE path = $1`, path).
		Scan(&c.ID, &c.ParentID, &c.Slug, &c.Path, &names, &c.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Channel{}, fmt.Errorf("channel %q: %w", path, news.ErrNotFound)
	}
	if err != nil {
		return news.Channel{}, fmt.Errorf("channel %q: %w", path, err)
	}
	if err := json.Unmarshal([]byte(names), &c.Name); err != nil {
		return news.Channel{}, fmt.Errorf("channel %s: names: %w", path, err)
	}
	return c, nil
}

// UpsertChannel creates the channel at c.Path or updates its names and
// position, and reports the id and whether anything changed. c.ParentID must
// already be set for a nested channel.
func (q *queries) UpsertChannel(ctx context.Context, c news.Channel) (int64, bool, error) {
	names, err := json.Marshal(c.Name)
	if err != nil {
		return 0, false, fmt.Errorf("channel %s: %w", c.Path, err)
	}
	var parent any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	old, err := q.ChannelByPath(ctx, c.Path)
	switch {
	case errors.Is(err, news.ErrNotFound):
		var id int64
		err := q.q.QueryRowContext(ctx,
			`INSERT INTO channels (parent_id, slug, path, names, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			parent, c.Slug, c.Path, string(names), c.Position).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("create channel %s: %w", c.Path, err)
		}
		return id, true, nil
	case err != nil:
		return 0, false, err
	}
	oldNames, _ := json.Marshal(old.Name)
	if string(oldNames) == string(names) && old.Position == c.Position {
		return old.ID, false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE channels SET names = $1, position = $2 WHERE id = $3`, string(names), c.Position, old.ID); err != nil {
		return 0, false, fmt.Errorf("update channel %s: %w", c.Path, err)
	}
	return old.ID, true, nil
}
