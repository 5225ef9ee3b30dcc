package admin

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// webhooksData is what webhooks.html shows: the endpoints with their
// health, the form for a new one, the WebSub hub and the delivery log.
type webhooksData struct {
	Hooks      []webhookRow
	URL        string // the add form's value when it is shown again
	Hub        string
	Deliveries []deliveryRow
}

type webhookRow struct {
	ID                         int64
	URL, Added                 string
	Delivered, Pending, Failed int
	// Last describes the latest attempt ("" when none was made).
	Last string
	OK   bool
}

type deliveryRow struct {
	ID                                         int64
	Created, Kind, Target, Event, Status, Last string
	Article                                    int64
	Attempts                                   int
	Next                                       string
}

// minSecretBytes is the shortest secret an administrator may choose.
const minSecretBytes = 16

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.webhooksView(r)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "webhooks", p)
}

func (s *Server) webhooksView(r *http.Request) (*page, error) {
	ctx := r.Context()
	p := s.newPage(r, "webhooks")
	hooks, err := s.store.WebhookStatuses(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	log, err := s.store.Deliveries(ctx, store.DeliveryQuery{Limit: 50})
	if err != nil {
		return nil, err
	}
	d := &webhooksData{Hub: site.WebSubHub}
	if r.Method == http.MethodPost {
		d.URL = r.PostForm.Get("url")
	}
	l := p.L
	for _, h := range hooks {
		row := webhookRow{ID: h.ID, URL: h.URL, Added: stamp(h.CreatedAt), Delivered: h.Delivered, Pending: h.Pending, Failed: h.Failed,
			OK: h.LastError == ""}
		if !h.LastAt.IsZero() {
			row.Last = stamp(h.LastAt) + " " + attemptText(l, h.LastStatus, h.LastError)
		}
		d.Hooks = append(d.Hooks, row)
	}
	for _, x := range log {
		row := deliveryRow{ID: x.ID, Created: stamp(x.CreatedAt), Kind: x.Kind, Target: x.Target, Event: x.Event,
			Status: l["delivery_"+x.Status], Article: x.ArticleID, Attempts: x.Attempts}
		if x.Attempts > 0 {
			row.Last = attemptText(l, x.LastStatus, x.LastError)
		}
		if x.Status == store.DeliveryPending {
			row.Next = stamp(x.NextAttemptAt)
		}
		d.Deliveries = append(d.Deliveries, row)
	}
	p.Data = d
	return p, nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// attemptText says how an attempt went: the status answered, or the error.
func attemptText(l map[string]string, status int, errText string) string {
	switch {
	case errText == "":
		return fmt.Sprintf(l["delivery_ok"], status)
	case status != 0:
		return fmt.Sprintf(l["delivery_answered"], status, errText)
	}
	return errText
}

// addWebhook stores an endpoint, with the secret the administrator chose
// or a fresh random one, shown once in the confirmation.
func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := strings.TrimSpace(r.PostForm.Get("url"))
	secret := strings.TrimSpace(r.PostForm.Get("secret"))
	v := &news.ValidationError{}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		v.Add("url", "%s", labels[s.lang(r)]["webhook_bad_url"])
	}
	if secret != "" && len(secret) < minSecretBytes {
		v.Add("secret", labels[s.lang(r)]["webhook_short_secret"], minSecretBytes)
	}
	if err := v.Err(); err != nil {
		p, perr := s.webhooksView(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "webhooks", p, err)
	}
	if secret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		secret = hex.EncodeToString(b)
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.AddWebhook(ctx, raw, secret, s.now())
		if err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "webhook.add", "webhook "+strconv.FormatInt(id, 10), map[string]string{"url": raw}))
		return err
	})
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["webhook_added"], raw, secret), "/admin/webhooks")
}

// removeWebhook deletes an endpoint and its delivery log.
func (s *Server) removeWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var gone store.Webhook
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if gone, err = tx.RemoveWebhook(ctx, id); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.auditEntry(r, "webhook.remove", "webhook "+strconv.FormatInt(id, 10), map[string]string{"url": gone.URL}))
		return err
	})
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["webhook_removed"], gone.URL), "/admin/webhooks")
}
