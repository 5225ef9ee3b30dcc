package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// Channels loads the whole channel tree.
func (q *queries) Channels(ctx context.Context) (*news.ChannelTree, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), slug, path, names, position, requires_approval FROM channels ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("load channels: %w", err)
	}
	defer rows.Close()
	var list []news.Channel
	for rows.Next() {
		var c news.Channel
		var names string
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Slug, &c.Path, &names, &c.Position, &c.RequiresApproval); err != nil {
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
	err := q.q.QueryRowContext(ctx, `SELECT id, COALESCE(parent_id, 0), slug, path, names, position, requires_approval FROM channels WHERE path = $1`, path).
		Scan(&c.ID, &c.ParentID, &c.Slug, &c.Path, &names, &c.Position, &c.RequiresApproval)
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
			`INSERT INTO channels (parent_id, slug, path, names, position, requires_approval) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			parent, c.Slug, c.Path, string(names), c.Position, c.RequiresApproval).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("create channel %s: %w", c.Path, err)
		}
		return id, true, nil
	case err != nil:
		return 0, false, err
	}
	oldNames, _ := json.Marshal(old.Name)
	if string(oldNames) == string(names) && old.Position == c.Position && old.RequiresApproval == c.RequiresApproval {
		return old.ID, false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE channels SET names = $1, position = $2, requires_approval = $3 WHERE id = $4`, string(names), c.Position, c.RequiresApproval, old.ID); err != nil {
		return 0, false, fmt.Errorf("update channel %s: %w", c.Path, err)
	}
	return old.ID, true, nil
}

// ChannelInUseError says why a channel cannot be deleted: what it still
// holds, or who holds a role on it.
type ChannelInUseError struct {
	Path                      string
	Articles, Children, Users int
	// Wires counts the wire sources that file their items into it.
	Wires int
}

func (e *ChannelInUseError) Error() string {
	msg := fmt.Sprintf("channel %s still holds %d articles and %d subchannels, and %d users hold roles on it", e.Path, e.Articles, e.Children, e.Users)
	if e.Wires > 0 {
		msg += fmt.Sprintf("; %d wire sources file into it", e.Wires)
	}
	return msg
}

// ChannelArticleCounts counts the articles filed directly under each
// channel, whatever their status, by channel id.
func (q *queries) ChannelArticleCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT channel_id, COUNT(*) FROM articles GROUP BY channel_id`)
	if err != nil {
		return nil, fmt.Errorf("count articles per channel: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count articles per channel: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// CreateChannel adds a channel under c.ParentID (0: top level) with the slug
// c.Slug; the path is derived from the parent's. A channel already at that
// path is an error wrapping ErrConflict. It returns the channel as stored.
func (tx *Tx) CreateChannel(ctx context.Context, c news.Channel) (news.Channel, error) {
	path, err := tx.childPath(ctx, c.ParentID, c.Slug)
	if err != nil {
		return c, err
	}
	c.Path = path
	if _, err := tx.ChannelByPath(ctx, path); err == nil {
		return c, fmt.Errorf("create channel %s: a channel at this path %w", path, ErrConflict)
	} else if !errors.Is(err, news.ErrNotFound) {
		return c, err
	}
	id, _, err := tx.UpsertChannel(ctx, c)
	if err != nil {
		return c, err
	}
	c.ID = id
	return c, nil
}

func (tx *Tx) childPath(ctx context.Context, parentID int64, slug string) (string, error) {
	if parentID == 0 {
		return slug, nil
	}
	var parent string
	err := tx.q.QueryRowContext(ctx, `SELECT path FROM channels WHERE id = $1`, parentID).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("parent channel %d: %w", parentID, news.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("parent channel %d: %w", parentID, err)
	}
	return parent + "/" + slug, nil
}

// ChannelUpdate reports what UpdateChannel changed beyond the channel's own
// row: when its path changed, how many channels moved with it (itself
// included), how many redirects were added and how many role grants now
// name the new paths.
type ChannelUpdate struct {
	OldPath, NewPath string
	Channels         int
	Redirects        int
	Grants           int
}

// Moved reports whether the channel's path (and so its URLs) changed.
func (u ChannelUpdate) Moved() bool { return u.OldPath != u.NewPath }

// UpdateChannel stores c (by c.ID): names, position, and slug and parent,
// from which its path follows. When the path changes, the channel and its
// whole subtree take the new paths, role grants on them follow, and every
// public URL that changes gets a redirect from its old form: each article's
// page that readers may already have seen (per language, dated in the site's
// time zone) and each channel listing /{lang}/{path}/ in every language the
// site publishes. It runs in tx, so all of it lands or none does.
func (tx *Tx) UpdateChannel(ctx context.Context, c news.Channel, now time.Time) (ChannelUpdate, error) {
	old, err := tx.channelByID(ctx, c.ID)
	if err != nil {
		return ChannelUpdate{}, err
	}
	newPath, err := tx.childPath(ctx, c.ParentID, c.Slug)
	if err != nil {
		return ChannelUpdate{}, err
	}
	up := ChannelUpdate{OldPath: old.Path, NewPath: newPath}
	if strings.HasPrefix(newPath, old.Path+"/") {
		return up, fmt.Errorf("move channel %s under %s: %w", old.Path, newPath, errMoveUnderItself)
	}
	names, err := json.Marshal(c.Name)
	if err != nil {
		return up, fmt.Errorf("channel %s: %w", old.Path, err)
	}
	var parent any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	if !up.Moved() {
		if _, err := tx.q.ExecContext(ctx, `UPDATE channels SET names = $1, position = $2, requires_approval = $3 WHERE id = $4`, string(names), c.Position, c.RequiresApproval, c.ID); err != nil {
			return up, fmt.Errorf("update channel %s: %w", old.Path, err)
		}
		return up, nil
	}
	if _, err := tx.ChannelByPath(ctx, newPath); err == nil {
		return up, fmt.Errorf("move channel %s to %s: a channel at this path %w", old.Path, newPath, ErrConflict)
	} else if !errors.Is(err, news.ErrNotFound) {
		return up, err
	}
	site, err := tx.Site(ctx)
	if err != nil {
		return up, err
	}
	// Old URLs are worked out before any path changes.
	articles, err := tx.subtreeArticles(ctx, old.Path)
	if err != nil {
		return up, err
	}
	subtree, err := tx.subtreePaths(ctx, old.Path)
	if err != nil {
		return up, err
	}
	moved := func(path string) string { return newPath + strings.TrimPrefix(path, old.Path) }
	if _, err := tx.q.ExecContext(ctx, `UPDATE channels SET parent_id = $1, slug = $2, path = $3, names = $4, position = $5, requires_approval = $7 WHERE id = $6`,
		parent, c.Slug, newPath, string(names), c.Position, c.ID, c.RequiresApproval); err != nil {
		return up, fmt.Errorf("move channel %s to %s: %w", old.Path, newPath, err)
	}
	for id, path := range subtree {
		if id == c.ID {
			continue
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE channels SET path = $1 WHERE id = $2`, moved(path), id); err != nil {
			return up, fmt.Errorf("move channel %s to %s: %w", path, moved(path), err)
		}
	}
	up.Channels = len(subtree)
	if up.Grants, err = tx.moveGrants(ctx, old.Path, moved); err != nil {
		return up, err
	}
	if err := tx.movePins(ctx, subtree, moved); err != nil {
		return up, err
	}
	loc := site.Location()
	for _, a := range articles {
		seen := a.VisibleFrom()
		if seen.IsZero() {
			seen = a.ReleaseAt
		}
		if seen.IsZero() || seen.After(now) {
			continue // readers never saw it at its old URL
		}
		from := a.Path(loc)
		a.ChannelPath = moved(a.ChannelPath)
		if err := tx.AddRedirect(ctx, from, a.Path(loc), now); err != nil {
			return up, err
		}
		up.Redirects++
	}
	langs := site.Languages
	if len(langs) == 0 {
		langs = news.KnownLanguages
	}
	for _, path := range subtree {
		for _, lang := range langs {
			if err := tx.AddRedirect(ctx, "/"+lang+"/"+path+"/", "/"+lang+"/"+moved(path)+"/", now); err != nil {
				return up, err
			}
			up.Redirects++
		}
	}
	return up, nil
}

var errMoveUnderItself = errors.New("a channel cannot move under itself or its own subchannels")

func (q *queries) channelByID(ctx context.Context, id int64) (news.Channel, error) {
	var path string
	err := q.q.QueryRowContext(ctx, `SELECT path FROM channels WHERE id = $1`, id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Channel{}, fmt.Errorf("channel %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.Channel{}, fmt.Errorf("channel %d: %w", id, err)
	}
	return q.ChannelByPath(ctx, path)
}

// subtreePaths returns the path of the channel at root and of every channel
// below it, by id.
func (q *queries) subtreePaths(ctx context.Context, root string) (map[int64]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, path FROM channels WHERE path = $1 OR path LIKE $2 ESCAPE '\'`,
		root, likeEscaper.Replace(root)+"/%")
	if err != nil {
		return nil, fmt.Errorf("channels under %s: %w", root, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return nil, fmt.Errorf("channels under %s: %w", root, err)
		}
		out[id] = path
	}
	return out, rows.Err()
}

// subtreeArticles lists every article filed in the channel at root or below
// it, without bodies, in every language and status.
func (q *queries) subtreeArticles(ctx context.Context, root string) ([]news.Article, error) {
	out, err := q.articleList(ctx, `WHERE c.path = $1 OR c.path LIKE $2 ESCAPE '\' ORDER BY a.id`, root, likeEscaper.Replace(root)+"/%")
	if err != nil {
		return nil, fmt.Errorf("articles under %s: %w", root, err)
	}
	return out, nil
}

// moveGrants makes role grants on the subtree at root name its new paths,
// so a moved channel keeps its editors.
func (tx *Tx) moveGrants(ctx context.Context, root string, moved func(string) string) (int, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT user_id, role, channel FROM user_grants WHERE channel = $1 OR channel LIKE $2 ESCAPE '\'`,
		root, likeEscaper.Replace(root)+"/%")
	if err != nil {
		return 0, fmt.Errorf("grants under %s: %w", root, err)
	}
	type grant struct {
		user          int64
		role, channel string
	}
	var list []grant
	for rows.Next() {
		var g grant
		if err := rows.Scan(&g.user, &g.role, &g.channel); err != nil {
			rows.Close()
			return 0, fmt.Errorf("grants under %s: %w", root, err)
		}
		list = append(list, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("grants under %s: %w", root, err)
	}
	for _, g := range list {
		to := moved(g.channel)
		// A stale grant already naming the new path would collide; it is the
		// same grant, so one row is enough.
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM user_grants WHERE user_id = $1 AND role = $2 AND channel = $3`, g.user, g.role, to); err != nil {
			return 0, fmt.Errorf("move grant %s on %s: %w", g.role, g.channel, err)
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE user_grants SET channel = $1 WHERE user_id = $2 AND role = $3 AND channel = $4`,
			to, g.user, g.role, g.channel); err != nil {
			return 0, fmt.Errorf("move grant %s on %s: %w", g.role, g.channel, err)
		}
	}
	return len(list), nil
}

// DeleteChannel removes an empty channel: one with no articles (in any
// status or language), no subchannels and no role grants on it; otherwise it
// returns a *ChannelInUseError and changes nothing. Redirects that led to
// its listing go too, as they now lead nowhere.
func (tx *Tx) DeleteChannel(ctx context.Context, id int64) (news.Channel, error) {
	c, err := tx.channelByID(ctx, id)
	if err != nil {
		return c, err
	}
	use := &ChannelInUseError{Path: c.Path}
	for _, count := range []struct {
		n     *int
		query string
		arg   any
	}{
		{&use.Articles, `SELECT COUNT(*) FROM articles WHERE channel_id = $1`, id},
		{&use.Children, `SELECT COUNT(*) FROM channels WHERE parent_id = $1`, id},
		{&use.Users, `SELECT COUNT(DISTINCT user_id) FROM user_grants WHERE channel = $1`, c.Path},
		{&use.Wires, `SELECT COUNT(*) FROM wire_sources WHERE channel_id = $1`, id},
	} {
		if err := tx.q.QueryRowContext(ctx, count.query, count.arg).Scan(count.n); err != nil {
			return c, fmt.Errorf("delete channel %s: %w", c.Path, err)
		}
	}
	if use.Articles+use.Children+use.Users+use.Wires > 0 {
		return c, use
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM channels WHERE id = $1`, id); err != nil {
		return c, fmt.Errorf("delete channel %s: %w", c.Path, err)
	}
	for _, lang := range news.KnownLanguages {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM redirects WHERE to_path = $1`, "/"+lang+"/"+c.Path+"/"); err != nil {
			return c, fmt.Errorf("delete channel %s: %w", c.Path, err)
		}
	}
	return c, nil
}
