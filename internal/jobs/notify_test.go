package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/jobs"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// receiver is a webhook endpoint that checks signatures the way a partner
// would (not with jobs.Sign), and answers each delivery with the statuses
// it is given in turn, then 200.
type receiver struct {
	secret string
	fail   []int // statuses for the first attempts of each delivery
	mu     sync.Mutex
	tries  map[string]int // delivery id → attempts seen
	events []jobs.Event   // accepted, in order
	bad    []string       // signature problems
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	sig := r.Header.Get("Newsdesk-Signature")
	var ts, v1 string
	for _, part := range strings.Split(sig, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(mac.Sum(nil))
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil || !hmac.Equal([]byte(v1), []byte(want)) {
		rc.bad = append(rc.bad, sig)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	id := r.Header.Get("Newsdesk-Delivery")
	n := rc.tries[id]
	rc.tries[id] = n + 1
	if n < len(rc.fail) {
		w.WriteHeader(rc.fail[n])
		return
	}
	var e jobs.Event
	if err := json.Unmarshal(body, &e); err != nil || r.Header.Get("Newsdesk-Event") != e.Event {
		rc.bad = append(rc.bad, "body: "+string(body))
	}
	rc.events = append(rc.events, e)
	w.WriteHeader(http.StatusNoContent)
}

// hub records WebSub publish pings.
type hub struct {
	mu     sync.Mutex
	topics []string
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.PostForm.Get("hub.mode") == "publish" {
		h.topics = append(h.topics, r.PostForm.Get("hub.url"))
	}
	w.WriteHeader(http.StatusAccepted)
}

func notifier(s *store.Store, now func() time.Time) *jobs.Notifier {
	return &jobs.Notifier{Store: s, Now: now, Log: slog.New(slog.DiscardHandler), BaseURL: "https://news.example.org",
		Backoff: time.Minute}
}

// TestWebhooksSignedRetriedLogged: a publication reaches a signed webhook
// after two 500s, retried with doubling waits, and the delivery log says
// so; the WebSub hub hears of every feed the article is in.
func TestWebhooksSignedRetriedLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rc := &receiver{secret: "s3cret-for-tests", fail: []int{500, 503}, tries: map[string]int{}}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		h := &hub{}
		hubSrv := httptest.NewServer(h)
		defer hubSrv.Close()
		if _, err := s.AddWebhook(ctx, srv.URL+"/hook", rc.secret, schedT0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetSetting(ctx, "websub_hub", hubSrv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		ids := scheduleArticles(t, s, []time.Time{schedT0})
		clk := &schedClock{t: schedT0.Add(time.Second)}
		if _, err := dbClock(s, clk.Now, nil).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		n := notifier(s, clk.Now)

		steps := []struct {
			advance   time.Duration
			delivered int
			status    string
			attempts  int
		}{
			{0, 9, store.DeliveryPending, 1},                // 500; the 9 hub pings go
			{30 * time.Second, 0, store.DeliveryPending, 1}, // not due yet
			{30 * time.Second, 0, store.DeliveryPending, 2}, // 1 min after: 503
			{time.Minute, 0, store.DeliveryPending, 2},      // the wait doubled
			{time.Minute, 1, store.DeliveryDelivered, 3},    // 2 min after: 204
			{time.Hour, 0, store.DeliveryDelivered, 3},      // nothing more
		}
		for i, st := range steps {
			clk.Set(clk.Now().Add(st.advance))
			res, err := n.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Delivered != st.delivered {
				t.Errorf("step %d: %+v, want %d delivered", i, res, st.delivered)
			}
			log, err := s.Deliveries(ctx, store.DeliveryQuery{WebhookID: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != 1 || log[0].Status != st.status || log[0].Attempts != st.attempts {
				t.Fatalf("step %d: log %+v", i, log)
			}
		}
		log, _ := s.Deliveries(ctx, store.DeliveryQuery{WebhookID: 1})
		if d := log[0]; d.LastStatus != 204 || d.LastError != "" || d.DeliveredAt.IsZero() || d.Event != "article.published" {
			t.Errorf("delivered row = %+v", d)
		}
		rc.mu.Lock()
		if len(rc.bad) > 0 {
			t.Errorf("signature problems: %v", rc.bad)
		}
		if len(rc.events) != 1 || rc.events[0].Event != "article.published" || rc.events[0].Article.ID != ids[0] ||
			rc.events[0].Article.URL != "https://news.example.org/en/news/2026/11/29/item-0/" {
			t.Errorf("events = %+v", rc.events)
		}
		rc.mu.Unlock()

		h.mu.Lock()
		sort.Strings(h.topics)
		got := strings.Join(h.topics, " ")
		h.mu.Unlock()
		for _, p := range []string{"/feed.xml", "/atom.xml", "/feed.json", "/en/feed.xml", "/en/news/atom.xml"} {
			if !strings.Contains(got, "https://news.example.org"+p) {
				t.Errorf("hub not pinged for %s: %s", p, got)
			}
		}
		if len(h.topics) != 9 {
			t.Errorf("%d pings, want 9 (3 scopes x 3 formats): %s", len(h.topics), got)
		}

		// A correction and a retraction follow, each once.
		for _, kind := range []news.ChangeKind{news.ChangeCorrect, news.ChangeRetract, news.ChangeSchedule} {
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.AppendChange(ctx, store.Change{At: clk.Now(), ArticleID: ids[0], Kind: kind, Details: map[string]string{"note": "why"}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		rc.fail = nil
		for range 2 {
			if _, err := n.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var names []string
		for _, e := range rc.events {
			names = append(names, e.Event)
		}
		if strings.Join(names, " ") != "article.published article.corrected article.retracted" || rc.events[2].Article.Note != "why" {
			t.Errorf("events = %v", rc.events)
		}
	})
}

// TestWebhookGivesUp: 410 Gone stops at once; an endpoint that keeps
// failing is given up after MaxAttempts; removing an endpoint removes its
// log.
func TestWebhookGivesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
		defer gone.Close()
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
		defer broken.Close()
		goneID, _ := s.AddWebhook(ctx, gone.URL, "a", schedT0)
		brokenID, _ := s.AddWebhook(ctx, broken.URL, "b", schedT0)
		scheduleArticles(t, s, []time.Time{schedT0})
		clk := &schedClock{t: schedT0.Add(time.Second)}
		if _, err := dbClock(s, clk.Now, nil).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		n := notifier(s, clk.Now)
		n.MaxAttempts = 3
		for range 4 {
			if _, err := n.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Set(clk.Now().Add(time.Hour))
		}
		for id, want := range map[int64][2]any{goneID: {1, "the endpoint is gone (410)"}, brokenID: {3, "answered 500 Internal Server Error"}} {
			log, err := s.Deliveries(ctx, store.DeliveryQuery{WebhookID: id})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != 1 || log[0].Status != store.DeliveryFailed || log[0].Attempts != want[0] || log[0].LastError != want[1] {
				t.Errorf("webhook %d: %+v", id, log)
			}
		}
		st, err := s.WebhookStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[1].Failed != 1 || st[1].LastStatus != 500 || st[1].LastAt.IsZero() {
			t.Errorf("statuses = %+v", st)
		}
		if _, err := s.RemoveWebhook(ctx, brokenID); err != nil {
			t.Fatal(err)
		}
		if log, _ := s.Deliveries(ctx, store.DeliveryQuery{}); len(log) != 1 {
			t.Errorf("after removal the log holds %d rows", len(log))
		}
		if _, err := s.RemoveWebhook(ctx, brokenID); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("removing twice: %v", err)
		}
	})
}

// TestNotifierTwoNodes: two nodes over one database turn each change into
// one delivery and send it once.
func TestNotifierTwoNodes(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			dbURL := storetest.URL(t, dialect)
			var nodes []*store.Store
			for range 2 {
				s, err := store.Open(ctx, dbURL)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				nodes = append(nodes, s)
			}
			if _, err := nodes[0].Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			seen := map[string]int{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var e jobs.Event
				json.NewDecoder(r.Body).Decode(&e)
				mu.Lock()
				seen[strconv.FormatInt(e.Article.ID, 10)+"/"+e.Event]++
				mu.Unlock()
			}))
			defer srv.Close()
			if _, err := nodes[0].AddWebhook(ctx, srv.URL, "k", schedT0); err != nil {
				t.Fatal(err)
			}
			due := make([]time.Time, 60)
			for i := range due {
				due[i] = schedT0.Add(time.Duration(i) * time.Millisecond)
			}
			ids := scheduleArticles(t, nodes[0], due)
			now := func() time.Time { return schedT0.Add(time.Second) }
			if _, err := dbClock(nodes[0], now, nil).RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, s := range nodes {
				wg.Go(func() {
					<-start
					_, errs[i] = notifier(s, now).RunOnce(ctx)
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			log, err := nodes[0].Deliveries(ctx, store.DeliveryQuery{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != len(ids) {
				t.Errorf("%d deliveries for %d changes", len(log), len(ids))
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if n := seen[strconv.FormatInt(id, 10)+"/article.published"]; n != 1 {
					t.Errorf("article %d announced %d times", id, n)
				}
			}
		})
	}
}

// TestNotificationWaitsForEmbargo: news of an embargoed story is held
// until readers can see it.
func TestNotificationWaitsForEmbargo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rc := &receiver{secret: "embargo-secret-16", tries: map[string]int{}}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		if _, err := s.AddWebhook(ctx, srv.URL, rc.secret, schedT0); err != nil {
			t.Fatal(err)
		}
		// As an embargoed import leaves it: published, visible from later.
		lift := schedT0.Add(2 * time.Hour)
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			ch, err := tx.CreateChannel(ctx, news.Channel{Slug: "news", Name: news.Localized{"en": "News"}})
			if err != nil {
				return err
			}
			id, err := tx.SaveArticle(ctx, news.Article{Language: "en", ChannelID: ch.ID, Headline: "Embargoed", Slug: "embargoed",
				Status: news.StatusPublished, ReleaseAt: schedT0, EmbargoUntil: lift, CreatedAt: schedT0, UpdatedAt: schedT0, Version: 1})
			if err != nil {
				return err
			}
			_, err = tx.AppendChange(ctx, store.Change{At: schedT0, ArticleID: id, Kind: news.ChangePublish})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk := &schedClock{t: schedT0}
		n := notifier(s, clk.Now)
		for _, step := range []struct {
			at   time.Time
			want int
		}{{schedT0, 0}, {lift.Add(-time.Second), 0}, {lift, 1}} {
			clk.Set(step.at)
			if _, err := n.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			rc.mu.Lock()
			got := len(rc.events)
			rc.mu.Unlock()
			if got != step.want {
				t.Errorf("at %v: %d events, want %d", step.at, got, step.want)
			}
		}
	})
}
