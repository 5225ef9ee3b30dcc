package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Headers of a webhook request.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of
	// "<t>.<body>" keyed with the endpoint's secret>".
	SignatureHeader = "Newsdesk-Signature"
	EventHeader     = "Newsdesk-Event"
	DeliveryHeader  = "Newsdesk-Delivery"
)

// Sign is the signature header value of body sent at t: receivers compute
// the same HMAC over "<t>.<body>" with their secret, compare in constant
// time, and refuse old timestamps (replays).
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// events maps the change-log kinds notifications announce to their
// event names; the others (schedule) are not announced until they happen.
var events = map[news.ChangeKind]string{
	news.ChangePublish:   "article.published",
	news.ChangeUpdate:    "article.updated",
	news.ChangeCorrect:   "article.corrected",
	news.ChangeUnpublish: "article.unpublished",
	news.ChangeRetract:   "article.retracted",
}

// Event is the JSON body of a webhook.
type Event struct {
	// Event is article.published, .updated, .corrected, .unpublished or
	// .retracted.
	Event string `json:"event"`
	// Seq is the change's place in the change log: the same for every
	// endpoint, so receivers can drop a repeat.
	Seq        int64        `json:"seq"`
	OccurredAt time.Time    `json:"occurred_at"`
	Article    EventArticle `json:"article"`
}

// EventArticle is the article an event is about.
type EventArticle struct {
	ID       int64  `json:"id"`
	URI      string `json:"uri"`
	Language string `json:"language"`
	Channel  string `json:"channel"`
	Headline string `json:"headline"`
	Status   string `json:"status"`
	// URL is the public page, absent when readers cannot see the article.
	URL string `json:"url,omitempty"`
	// Ninjs is where the API serves it in IPTC ninjs.
	Ninjs string `json:"ninjs"`
	Note  string `json:"note,omitempty"`
}

// Notifier turns the change log into signed webhooks and WebSub pings, and
// delivers them with retries.
//
// It reads the log after the cursor stored in the database and moves the
// cursor with a conditional update in the transaction that enqueues the
// deliveries: each change becomes deliveries exactly once, however many
// nodes run it. Deliveries are then claimed one by one (a conditional
// update with a lease), sent, and recorded: a 2xx delivers, anything else
// is retried with exponential backoff up to MaxAttempts, a 410 Gone stops
// at once.
type Notifier struct {
	Store *store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// BaseURL starts public URLs in payloads and the feed URLs pinged.
	BaseURL string
	// Client sends requests; it must not follow redirects. Defaults to
	// one with a 10 s timeout that does not.
	Client *http.Client
	// Backoff is the wait after the first failure, doubled after each
	// next one up to MaxBackoff. Defaults: 30 s and 6 h.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts tries before a delivery fails for good (default 10).
	MaxAttempts int
	// Poll is how often Run looks for work (default 1 s).
	Poll time.Duration
	// Purge, when its URL is set, is the CDN purge webhook, enqueued once
	// per batch of changes with the others.
	Purge *Purge
}

func (n *Notifier) defaults() {
	if n.Client == nil {
		n.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if n.Backoff <= 0 {
		n.Backoff = 30 * time.Second
	}
	if n.MaxBackoff <= 0 {
		n.MaxBackoff = 6 * time.Hour
	}
	if n.MaxAttempts <= 0 {
		n.MaxAttempts = 10
	}
	if n.Poll <= 0 {
		n.Poll = time.Second
	}
	if n.Log == nil {
		n.Log = slog.Default()
	}
	n.BaseURL = strings.TrimSuffix(n.BaseURL, "/")
}

// NotifyResult counts what one pass did.
type NotifyResult struct {
	Changes, Enqueued, Delivered, Retried, Failed int
}

// RunOnce turns new changes into deliveries and sends what is due.
func (n *Notifier) RunOnce(ctx context.Context) (NotifyResult, error) {
	n.defaults()
	var res NotifyResult
	for {
		changes, enqueued, err := n.enqueue(ctx)
		if err != nil {
			return res, err
		}
		res.Changes += changes
		res.Enqueued += enqueued
		if changes == 0 {
			break
		}
	}
	for {
		due, err := n.Store.ClaimDueDeliveries(ctx, n.Now(), time.Minute, 20)
		if err != nil {
			return res, err
		}
		for _, d := range due {
			a := n.send(ctx, d)
			if err := n.Store.RecordAttempt(ctx, d.ID, a); err != nil {
				return res, err
			}
			switch a.Status {
			case store.DeliveryDelivered:
				res.Delivered++
			case store.DeliveryFailed:
				res.Failed++
				n.Log.Warn("delivery failed for good", "delivery", d.ID, "kind", d.Kind, "target", d.Target, "attempts", d.Attempts+1, "err", a.Err)
			default:
				res.Retried++
				n.Log.Info("delivery will be retried", "delivery", d.ID, "kind", d.Kind, "target", d.Target, "next", a.Next, "err", a.Err)
			}
		}
		if len(due) == 0 {
			// Nothing left that this node could claim: what is due is
			// done or in another node's hands.
			return res, nil
		}
	}
}

// batchChanges is how many changes one enqueueing transaction takes.
const batchChanges = 100

// enqueue turns the changes after the cursor into deliveries, in one
// transaction that also moves the cursor; it reports how many changes it
// took (0: none left, or another node took them).
func (n *Notifier) enqueue(ctx context.Context) (int, int, error) {
	from, err := n.Store.NotificationCursor(ctx)
	if err != nil {
		return 0, 0, err
	}
	changes, err := n.Store.Changes(ctx, from, batchChanges)
	if err != nil || len(changes) == 0 {
		return 0, 0, err
	}
	var purge []byte
	if n.Purge != nil && n.Purge.URL != "" {
		ev, ok, err := n.purgeEvent(ctx, changes)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			if purge, err = json.Marshal(ev); err != nil {
				return 0, 0, err
			}
		}
	}
	enqueued := 0
	errRaced := errors.New("another node took these changes")
	err = n.Store.InTx(ctx, func(tx *store.Tx) error {
		enqueued = 0
		last := changes[len(changes)-1].Seq
		ok, err := tx.AdvanceNotificationCursor(ctx, from, last)
		if err != nil {
			return err
		}
		if !ok {
			return errRaced
		}
		now := n.Now()
		if purge != nil {
			if _, err := tx.EnqueueDelivery(ctx, store.Delivery{Kind: store.DeliveryPurge, Target: n.Purge.URL,
				Event: PurgeEventName, ChangeSeq: last, Payload: string(purge), CreatedAt: now}); err != nil {
				return err
			}
			enqueued++
		}
		hooks, err := tx.Webhooks(ctx)
		if err != nil {
			return err
		}
		site, err := tx.Site(ctx)
		if err != nil {
			return err
		}
		pinged := map[string]bool{}
		for _, c := range changes {
			event, ok := events[c.Kind]
			if !ok {
				continue
			}
			a, err := tx.ArticleByID(ctx, c.ArticleID)
			if errors.Is(err, news.ErrNotFound) {
				continue // deleted since
			}
			if err != nil {
				return err
			}
			body, err := json.Marshal(n.event(c, event, a, site))
			if err != nil {
				return err
			}
			// News of a story readers cannot see yet (an embargoed import)
			// waits until they can: partners must not learn of it early.
			var due time.Time
			if from := a.VisibleFrom(); from.After(now) && c.Kind != news.ChangeUnpublish && c.Kind != news.ChangeRetract {
				due = from
			}
			for _, h := range hooks {
				if _, err := tx.EnqueueDelivery(ctx, store.Delivery{WebhookID: h.ID, Kind: store.DeliveryWebhook, Target: h.URL,
					Event: event, ChangeSeq: c.Seq, ArticleID: a.ID, Payload: string(body), CreatedAt: now, NextAttemptAt: due}); err != nil {
					return err
				}
				enqueued++
			}
			if site.WebSubHub == "" {
				continue
			}
			// One ping per changed feed per batch: a hub refetches the
			// feed, which then holds every change of the batch.
			for _, p := range feed.Paths(a.Language, a.ChannelPath) {
				topic := n.BaseURL + p
				if key := topic + " " + due.String(); pinged[key] {
					continue
				} else {
					pinged[key] = true
				}
				form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
				if _, err := tx.EnqueueDelivery(ctx, store.Delivery{Kind: store.DeliveryWebSub, Target: site.WebSubHub,
					Event: event, ChangeSeq: c.Seq, ArticleID: a.ID, Payload: form.Encode(), CreatedAt: now, NextAttemptAt: due}); err != nil {
					return err
				}
				enqueued++
			}
		}
		return nil
	})
	if errors.Is(err, errRaced) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("notifications: %w", err)
	}
	return len(changes), enqueued, nil
}

// event is the webhook body of one change.
func (n *Notifier) event(c store.Change, name string, a news.Article, site news.Site) Event {
	loc := site.Location()
	uri := a.URI
	if uri == "" {
		uri = feed.ArticleTag(feed.Authority(n.BaseURL), a)
	}
	e := Event{Event: name, Seq: c.Seq, OccurredAt: c.At.In(loc), Article: EventArticle{
		ID: a.ID, URI: uri, Language: a.Language, Channel: a.ChannelPath, Headline: a.Headline, Status: string(a.Status),
		Ninjs: n.BaseURL + "/api/v1/articles/" + strconv.FormatInt(a.ID, 10) + "?format=ninjs",
		Note:  c.Details["note"],
	}}
	if !a.VisibleFrom().IsZero() {
		e.Article.URL = n.BaseURL + a.Path(loc)
	}
	return e
}

// send makes one attempt and says what became of the delivery.
func (n *Notifier) send(ctx context.Context, d store.Delivery) store.Attempt {
	now := n.Now()
	var req *http.Request
	var err error
	switch d.Kind {
	case store.DeliveryWebSub:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, d.Target, strings.NewReader(d.Payload))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	default:
		body := []byte(d.Payload)
		secret := d.Secret
		if d.Kind == store.DeliveryPurge && n.Purge != nil {
			secret = n.Purge.Secret
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, d.Target, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			if secret != "" || d.Kind != store.DeliveryPurge {
				req.Header.Set(SignatureHeader, Sign(secret, now, body))
			}
			req.Header.Set(EventHeader, d.Event)
			req.Header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
		}
	}
	if err != nil {
		return store.Attempt{At: now, Err: err.Error(), Status: store.DeliveryFailed}
	}
	req.Header.Set("User-Agent", "Newsdesk-Notifier")
	res, err := n.Client.Do(req)
	code := 0
	if err == nil {
		code = res.StatusCode
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		switch {
		case code >= 200 && code < 300:
			return store.Attempt{At: now, StatusCode: code, Status: store.DeliveryDelivered}
		case code == http.StatusGone:
			return store.Attempt{At: now, StatusCode: code, Err: "the endpoint is gone (410)", Status: store.DeliveryFailed}
		}
		err = fmt.Errorf("answered %s", res.Status)
	}
	attempts := d.Attempts + 1
	if attempts >= n.MaxAttempts {
		return store.Attempt{At: now, StatusCode: code, Err: err.Error(), Status: store.DeliveryFailed}
	}
	wait := n.Backoff << (attempts - 1)
	if wait > n.MaxBackoff || wait <= 0 {
		wait = n.MaxBackoff
	}
	return store.Attempt{At: now, StatusCode: code, Err: err.Error(), Status: store.DeliveryPending, Next: now.Add(wait)}
}

// Run notifies until ctx ends, looking for work every Poll.
func (n *Notifier) Run(ctx context.Context) {
	n.defaults()
	for {
		if _, err := n.RunOnce(ctx); err != nil && ctx.Err() == nil {
			n.Log.Error("notifications", "err", err)
		}
		t := time.NewTimer(n.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
