package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// Webhook is an endpoint that receives signed notifications.
type Webhook struct {
	ID        int64
	URL       string
	Secret    string
	CreatedAt time.Time
}

// WebhookStatus is a webhook with what its deliveries say of it, for the
// newsroom's webhooks page.
type WebhookStatus struct {
	Webhook
	Delivered, Pending, Failed int
	// LastStatus and LastError describe the latest attempt; LastAt is when
	// it was made (zero when none was).
	LastStatus int
	LastError  string
	LastAt     time.Time
}

// Kinds of delivery.
const (
	DeliveryWebhook = "webhook"
	DeliveryWebSub  = "websub"
	// DeliveryPurge is a CDN purge request (jobs.Purge).
	DeliveryPurge = "purge"
)

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one message to send: a webhook POST or a WebSub ping.
type Delivery struct {
	ID        int64
	WebhookID int64 // 0 for WebSub pings
	Kind      string
	Target    string // the URL posted to
	Event     string // article.published, ...
	ChangeSeq int64
	ArticleID int64
	Payload   string
	Status    string
	Attempts  int
	// NextAttemptAt is when a pending delivery is next tried.
	NextAttemptAt time.Time
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time
	// Secret is the webhook's signing key (loaded with claimed deliveries).
	Secret string
}

// AddWebhook stores an endpoint and returns its id.
func (q *queries) AddWebhook(ctx context.Context, url, secret string, now time.Time) (int64, error) {
	var id int64
	if err := q.q.QueryRowContext(ctx, `INSERT INTO webhooks (url, secret, created_at) VALUES ($1, $2, $3) RETURNING id`,
		url, secret, now.UTC()).Scan(&id); err != nil {
		return 0, fmt.Errorf("add webhook: %w", err)
	}
	return id, nil
}

// RemoveWebhook deletes an endpoint and its delivery log.
func (q *queries) RemoveWebhook(ctx context.Context, id int64) (Webhook, error) {
	var w Webhook
	err := q.q.QueryRowContext(ctx, `SELECT id, url, secret, created_at FROM webhooks WHERE id = $1`, id).Scan(&w.ID, &w.URL, &w.Secret, &w.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return w, fmt.Errorf("webhook %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("webhook %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM deliveries WHERE webhook_id = $1`, id); err != nil {
		return w, fmt.Errorf("remove webhook %d: %w", id, err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id); err != nil {
		return w, fmt.Errorf("remove webhook %d: %w", id, err)
	}
	return w, nil
}

// Webhooks lists the endpoints, oldest first.
func (q *queries) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, url, secret, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		if err := rows.Scan(&w.ID, &w.URL, &w.Secret, &w.CreatedAt); err != nil {
			return nil, fmt.Errorf("webhooks: %w", err)
		}
		w.CreatedAt = w.CreatedAt.UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

// WebhookStatuses lists the endpoints with their delivery counts and
// latest attempt.
func (q *queries) WebhookStatuses(ctx context.Context) ([]WebhookStatus, error) {
	hooks, err := q.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookStatus, len(hooks))
	for i, w := range hooks {
		st := WebhookStatus{Webhook: w}
		rows, err := q.q.QueryContext(ctx, `SELECT status, COUNT(*) FROM deliveries WHERE webhook_id = $1 GROUP BY status`, w.ID)
		if err != nil {
			return nil, fmt.Errorf("webhook %d: %w", w.ID, err)
		}
		for rows.Next() {
			var status string
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("webhook %d: %w", w.ID, err)
			}
			switch status {
			case DeliveryDelivered:
				st.Delivered = n
			case DeliveryPending:
				st.Pending = n
			case DeliveryFailed:
				st.Failed = n
			}
		}
		rows.Close()
		var last sql.NullTime
		err = q.q.QueryRowContext(ctx, `SELECT last_status, last_error, last_attempt_at FROM deliveries
			WHERE webhook_id = $1 AND attempts > 0 ORDER BY id DESC LIMIT 1`, w.ID).Scan(&st.LastStatus, &st.LastError, &last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("webhook %d: %w", w.ID, err)
		}
		st.LastAt = timeOf(last)
		out[i] = st
	}
	return out, nil
}

// NotificationCursor is the last change-log seq turned into deliveries.
func (q *queries) NotificationCursor(ctx context.Context) (int64, error) {
	var seq int64
	if err := q.q.QueryRowContext(ctx, `SELECT seq FROM notification_cursor WHERE id = 1`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("notification cursor: %w", err)
	}
	return seq, nil
}

// AdvanceNotificationCursor moves the cursor from one seq to a later one,
// and reports false when it no longer stands at from: another node took
// those changes, and the caller must roll back what it prepared.
func (tx *Tx) AdvanceNotificationCursor(ctx context.Context, from, to int64) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE notification_cursor SET seq = $2 WHERE id = 1 AND seq = $1`, from, to)
	if err != nil {
		return false, fmt.Errorf("notification cursor: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("notification cursor: %w", err)
	}
	return n == 1, nil
}

// EnqueueDelivery stores a message to send, due at d.NextAttemptAt, or at
// once when that is zero.
func (q *queries) EnqueueDelivery(ctx context.Context, d Delivery) (int64, error) {
	var webhook any
	if d.WebhookID != 0 {
		webhook = d.WebhookID
	}
	due := d.NextAttemptAt
	if due.IsZero() {
		due = d.CreatedAt
	}
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO deliveries (webhook_id, kind, target, event, change_seq, article_id, payload,
		status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id`,
		webhook, d.Kind, d.Target, d.Event, d.ChangeSeq, d.ArticleID, d.Payload, due.UTC(), d.CreatedAt.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s delivery: %w", d.Kind, err)
	}
	return id, nil
}

const deliveryColumns = `d.id, COALESCE(d.webhook_id, 0), d.kind, d.target, d.event, d.change_seq, d.article_id, d.payload,
	d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.delivered_at, COALESCE(w.secret, '')`

const deliveryFrom = ` FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id `

func (q *queries) deliveryList(ctx context.Context, where string, args ...any) ([]Delivery, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+deliveryColumns+deliveryFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var delivered sql.NullTime
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.Kind, &d.Target, &d.Event, &d.ChangeSeq, &d.ArticleID, &d.Payload,
			&d.Status, &d.Attempts, &d.NextAttemptAt, &d.LastStatus, &d.LastError, &d.CreatedAt, &delivered, &d.Secret); err != nil {
			return nil, err
		}
		d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = d.NextAttemptAt.UTC(), d.CreatedAt.UTC(), timeOf(delivered)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimDueDeliveries takes up to limit pending deliveries due at now for
// this node until now+lease: each is claimed with a conditional update, so
// two nodes never send the same attempt. A node that dies holding a claim
// loses it when the lease ends.
func (q *queries) ClaimDueDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	now = now.UTC()
	due, err := q.deliveryList(ctx, `WHERE d.status = 'pending' AND d.next_attempt_at <= $1
		AND (d.claimed_until IS NULL OR d.claimed_until < $1) ORDER BY d.next_attempt_at, d.id LIMIT $2`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	var out []Delivery
	for _, d := range due {
		res, err := q.q.ExecContext(ctx, `UPDATE deliveries SET claimed_until = $2 WHERE id = $1 AND status = 'pending'
			AND (claimed_until IS NULL OR claimed_until < $3)`, d.ID, now.Add(lease), now)
		if err != nil {
			return nil, fmt.Errorf("claim delivery %d: %w", d.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("claim delivery %d: %w", d.ID, err)
		} else if n == 1 {
			out = append(out, d)
		}
	}
	return out, nil
}

// Attempt is the outcome of one delivery attempt.
type Attempt struct {
	At         time.Time
	StatusCode int    // 0 when no response came
	Err        string // "" on success
	// Status is the delivery's state after the attempt; Next is when a
	// pending one is tried again.
	Status string
	Next   time.Time
}

// RecordAttempt writes an attempt's outcome and releases the claim.
func (q *queries) RecordAttempt(ctx context.Context, id int64, a Attempt) error {
	var delivered any
	if a.Status == DeliveryDelivered {
		delivered = a.At.UTC()
	}
	next := a.Next
	if next.IsZero() {
		next = a.At
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, status = $2, next_attempt_at = $3,
		claimed_until = NULL, last_status = $4, last_error = $5, delivered_at = $6, last_attempt_at = $7 WHERE id = $1`,
		id, a.Status, next.UTC(), a.StatusCode, a.Err, delivered, a.At.UTC()); err != nil {
		return fmt.Errorf("record delivery %d: %w", id, err)
	}
	return nil
}

// DeliveryQuery selects part of the delivery log.
type DeliveryQuery struct {
	// WebhookID limits the log to one endpoint; -1 to WebSub pings; 0 is
	// everything.
	WebhookID int64
	Limit     int
}

// Deliveries lists the delivery log, newest first.
func (q *queries) Deliveries(ctx context.Context, dq DeliveryQuery) ([]Delivery, error) {
	var where []string
	var args []any
	switch {
	case dq.WebhookID > 0:
		args = append(args, dq.WebhookID)
		where = append(where, "d.webhook_id = $1")
	case dq.WebhookID < 0:
		where = append(where, "d.webhook_id IS NULL")
	}
	if dq.Limit <= 0 {
		dq.Limit = 50
	}
	args = append(args, dq.Limit)
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ")
	}
	list, err := q.deliveryList(ctx, clause+fmt.Sprintf(" ORDER BY d.id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("delivery log: %w", err)
	}
	return list, nil
}
