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

// keyFetchAllow is the setting that holds the safe fetcher's allow-list.
const keyFetchAllow = "fetch_allow_hosts"

// FetchAllowList is the list of hosts, addresses and prefixes an
// administrator lets the fetcher reach although they are private.
func (q *queries) FetchAllowList(ctx context.Context) ([]string, error) {
	var raw string
	err := q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, keyFetchAllow).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch allow-list: %w", err)
	}
	var out []string
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("fetch allow-list: %w", err)
	}
	return out, nil
}

// SetFetchAllowList replaces the allow-list (already cleaned by the caller)
// and reports whether it changed.
func (q *queries) SetFetchAllowList(ctx context.Context, entries []string) (bool, error) {
	if entries == nil {
		entries = []string{}
	}
	return q.SetSetting(ctx, keyFetchAllow, entries)
}

const wireColumns = `w.id, w.name, w.url, w.format, w.channel_id, c.path, w.language, w.credit, w.poll_seconds, w.auto_publish, w.enabled,
	w.etag, w.last_modified, w.last_polled_at, w.last_success_at, w.last_error, w.last_error_at, w.error_count, w.next_poll_at,
	w.items_count, w.created_at, w.updated_at`

func scanWire(row scanner) (news.WireSource, error) {
	var w news.WireSource
	var poll int64
	var polled, success, errAt sql.NullTime
	err := row.Scan(&w.ID, &w.Name, &w.URL, &w.Format, &w.ChannelID, &w.ChannelPath, &w.Language, &w.Credit, &poll, &w.AutoPublish, &w.Enabled,
		&w.ETag, &w.LastModified, &polled, &success, &w.LastError, &errAt, &w.ErrorCount, &w.NextPollAt,
		&w.ItemsCount, &w.CreatedAt, &w.UpdatedAt)
	w.Poll = time.Duration(poll) * time.Second
	w.LastPolledAt, w.LastSuccessAt, w.LastErrorAt = timeOf(polled), timeOf(success), timeOf(errAt)
	w.NextPollAt, w.CreatedAt, w.UpdatedAt = w.NextPollAt.UTC(), w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	return w, err
}

// WireSources lists every wire source by name.
func (q *queries) WireSources(ctx context.Context) ([]news.WireSource, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+wireColumns+` FROM wire_sources w JOIN channels c ON c.id = w.channel_id ORDER BY w.name, w.id`)
	if err != nil {
		return nil, fmt.Errorf("wire sources: %w", err)
	}
	defer rows.Close()
	var out []news.WireSource
	for rows.Next() {
		w, err := scanWire(rows)
		if err != nil {
			return nil, fmt.Errorf("wire sources: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("wire sources: %w", err)
	}
	return out, nil
}

// WireSource loads one source, or news.ErrNotFound.
func (q *queries) WireSource(ctx context.Context, id int64) (news.WireSource, error) {
	w, err := scanWire(q.q.QueryRowContext(ctx, `SELECT `+wireColumns+` FROM wire_sources w JOIN channels c ON c.id = w.channel_id WHERE w.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.WireSource{}, fmt.Errorf("wire source %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.WireSource{}, fmt.Errorf("wire source %d: %w", id, err)
	}
	return w, nil
}

// ErrDuplicateWireURL is returned when another source already has the URL.
var ErrDuplicateWireURL = errors.New("another wire source already has this URL")

// SaveWireSource creates w (ID 0) or updates its settings; the health
// fields are the poller's and are left alone on update. A new source is due
// at once.
func (q *queries) SaveWireSource(ctx context.Context, w news.WireSource, now time.Time) (int64, error) {
	var other int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM wire_sources WHERE url = $1 AND id <> $2`, w.URL, w.ID).Scan(&other)
	if err == nil {
		return 0, fmt.Errorf("wire source %q: %w (source %d)", w.URL, ErrDuplicateWireURL, other)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("wire source %q: %w", w.URL, err)
	}
	secs := int64(w.Poll / time.Second)
	if w.ID == 0 {
		var id int64
		err := q.q.QueryRowContext(ctx, `INSERT INTO wire_sources (name, url, format, channel_id, language, credit, poll_seconds, auto_publish, enabled,
			next_poll_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id`,
			w.Name, w.URL, w.Format, w.ChannelID, w.Language, w.Credit, secs, w.AutoPublish, w.Enabled, now.UTC()).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("add wire source %q: %w", w.URL, err)
		}
		return id, nil
	}
	res, err := q.q.ExecContext(ctx, `UPDATE wire_sources SET name = $1, url = $2, format = $3, channel_id = $4, language = $5, credit = $6,
		poll_seconds = $7, auto_publish = $8, enabled = $9, updated_at = $10,
		etag = CASE WHEN url = $2 THEN etag ELSE '' END, last_modified = CASE WHEN url = $2 THEN last_modified ELSE '' END
		WHERE id = $11`,
		w.Name, w.URL, w.Format, w.ChannelID, w.Language, w.Credit, secs, w.AutoPublish, w.Enabled, now.UTC(), w.ID)
	if err != nil {
		return 0, fmt.Errorf("update wire source %d: %w", w.ID, err)
	}
	return w.ID, mustAffect(res, fmt.Sprintf("update wire source %d", w.ID))
}

// DeleteWireSource removes a source and its item record; the articles it
// brought stay.
func (q *queries) DeleteWireSource(ctx context.Context, id int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM wire_sources WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete wire source %d: %w", id, err)
	}
	return mustAffect(res, fmt.Sprintf("delete wire source %d", id))
}

// ClaimWireSource takes the lease on source id until now+lease, if no other
// poll holds it; due limits the claim to a source whose poll time has come.
// The conditional update is the lock: of two nodes claiming at once, one
// changes the row and the other sees zero rows affected.
func (q *queries) ClaimWireSource(ctx context.Context, id int64, now time.Time, lease time.Duration, due bool) (bool, error) {
	cond := ``
	if due {
		cond = ` AND enabled AND next_poll_at <= $2`
	}
	res, err := q.q.ExecContext(ctx, `UPDATE wire_sources SET claimed_until = $1
		WHERE id = $3 AND (claimed_until IS NULL OR claimed_until <= $2)`+cond, now.Add(lease).UTC(), now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("claim wire source %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim wire source %d: %w", id, err)
	}
	return n == 1, nil
}

// DueWireSources lists the ids of enabled sources whose poll time has come
// and that no poll holds, oldest due first.
func (q *queries) DueWireSources(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM wire_sources WHERE enabled AND next_poll_at <= $1
		AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY next_poll_at, id LIMIT $2`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due wire sources: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("due wire sources: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// NextWirePoll is when the earliest enabled source falls due, or the zero
// time when there is none.
func (q *queries) NextWirePoll(ctx context.Context) (time.Time, error) {
	var t sql.NullTime
	if err := q.q.QueryRowContext(ctx, `SELECT MIN(next_poll_at) FROM wire_sources WHERE enabled`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("next wire poll: %w", err)
	}
	return timeOf(t), nil
}

// WirePollResult is what one poll of a source found.
type WirePollResult struct {
	At time.Time
	// Err is the failure, nil on success (a 304 is a success).
	Err error
	// ETag and LastModified are the validators for the next poll.
	ETag, LastModified string
	// Warning, on success, names items that failed; it is shown as the
	// last error without counting as a failed poll.
	Warning string
	// NewItems is how many articles the poll created.
	NewItems int
}

// FinishWirePoll records a poll's outcome, schedules the next one (backing
// off after failures) and releases the lease.
func (q *queries) FinishWirePoll(ctx context.Context, w news.WireSource, r WirePollResult) error {
	at := r.At.UTC()
	var err error
	if r.Err == nil {
		_, err = q.q.ExecContext(ctx, `UPDATE wire_sources SET etag = $1, last_modified = $2, last_polled_at = $3, last_success_at = $3,
			error_count = 0, next_poll_at = $4, claimed_until = NULL, items_count = items_count + $5,
			last_error = CASE WHEN $6 = '' THEN last_error ELSE $6 END,
			last_error_at = CASE WHEN $6 = '' THEN last_error_at ELSE $3 END WHERE id = $7`,
			r.ETag, r.LastModified, at, at.Add(w.Poll), r.NewItems, clip(r.Warning), w.ID)
	} else {
		_, err = q.q.ExecContext(ctx, `UPDATE wire_sources SET last_polled_at = $1, last_error = $2, last_error_at = $1,
			error_count = error_count + 1, next_poll_at = $3, claimed_until = NULL WHERE id = $4`,
			at, clip(r.Err.Error()), at.Add(w.Backoff(w.ErrorCount+1)), w.ID)
	}
	if err != nil {
		return fmt.Errorf("wire source %d: record poll: %w", w.ID, err)
	}
	return nil
}

// WireItem is the record of one item a source delivered.
type WireItem struct {
	SourceID    int64
	GUID        string
	ContentHash string
	// ArticleID is 0 when the article was deleted since.
	ArticleID   int64
	FirstSeenAt time.Time
	LastSeenAt  time.Time
}

func (q *queries) oneWireItem(ctx context.Context, where string, args ...any) (WireItem, error) {
	var it WireItem
	var article sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT source_id, guid, content_hash, article_id, first_seen_at, last_seen_at FROM wire_items WHERE `+where, args...).
		Scan(&it.SourceID, &it.GUID, &it.ContentHash, &article, &it.FirstSeenAt, &it.LastSeenAt)
	if errors.Is(err, sql.ErrNoRows) {
		return WireItem{}, news.ErrNotFound
	}
	it.ArticleID = article.Int64
	it.FirstSeenAt, it.LastSeenAt = it.FirstSeenAt.UTC(), it.LastSeenAt.UTC()
	return it, err
}

// WireItemByGUID finds the record of guid from source, or news.ErrNotFound.
func (q *queries) WireItemByGUID(ctx context.Context, sourceID int64, guid string) (WireItem, error) {
	it, err := q.oneWireItem(ctx, `source_id = $1 AND guid = $2`, sourceID, guid)
	if err != nil {
		return it, fmt.Errorf("wire item %q: %w", guid, err)
	}
	return it, nil
}

// WireItemByHash finds an item of source with the same content, or
// news.ErrNotFound.
func (q *queries) WireItemByHash(ctx context.Context, sourceID int64, hash string) (WireItem, error) {
	it, err := q.oneWireItem(ctx, `source_id = $1 AND content_hash = $2 AND article_id IS NOT NULL ORDER BY first_seen_at LIMIT 1`, sourceID, hash)
	if err != nil {
		return it, fmt.Errorf("wire item with hash %s: %w", hash, err)
	}
	return it, nil
}

// PutWireItem records (or refreshes) an item.
func (q *queries) PutWireItem(ctx context.Context, it WireItem) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO wire_items (source_id, guid, content_hash, article_id, first_seen_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (source_id, guid) DO UPDATE SET content_hash = excluded.content_hash, article_id = excluded.article_id, last_seen_at = excluded.last_seen_at`,
		it.SourceID, it.GUID, it.ContentHash, nullID(it.ArticleID), it.LastSeenAt.UTC())
	if err != nil {
		return fmt.Errorf("wire item %q: %w", it.GUID, err)
	}
	return nil
}

// clip keeps an error message to a size a health page can show.
func clip(msg string) string {
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	return strings.ToValidUTF8(msg, "?")
}
