package accounts_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var ctx = context.Background()

// password passes the password rules; fixture users have it.
const password = "Tangerine-Rocket-Violin-88"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is an accounts service over a fresh database holding the channels
// news, news/china, news/china/government-dynamic and news/world, with a
// clock the test moves.
type fixture struct {
	svc   *accounts.Service
	store *store.Store
	clock *clock
}

// each runs fn once per dialect, in parallel with the other tests.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, newFixture(t, d))
		})
	}
}

func newFixture(t *testing.T, dialect string) *fixture {
	t.Helper()
	s := storetest.New(t, dialect)
	ids := map[string]int64{}
	for i, path := range []string{"news", "news/china", "news/china/government-dynamic", "news/world"} {
		c := news.Channel{Slug: path[strings.LastIndexByte(path, '/')+1:], Path: path, Position: i, Name: news.Localized{"en": path}}
		c.ParentID = ids[c.ParentPath()]
		id, _, err := s.UpsertChannel(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		ids[path] = id
	}
	f := &fixture{store: s, clock: &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}}
	f.svc = f.service(auth.TestParams)
	// Whatever a test did, the audit chain it left must verify.
	t.Cleanup(func() {
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Errorf("audit chain after the test: %v", err)
		}
	})
	return f
}

// service is another accounts service over the same database and clock, as
// a restarted process or a second node would build.
func (f *fixture) service(p auth.Params) *accounts.Service {
	return &accounts.Service{Store: f.store, Hasher: auth.NewHasher(p), Now: f.clock.Now, Log: slog.New(slog.DiscardHandler), Issuer: "Newsdesk test"}
}

// add creates an active user with password and grants.
func (f *fixture) add(t *testing.T, email string, grants ...news.Grant) news.User {
	t.Helper()
	u, link, err := f.svc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: email, Name: "User " + email[:strings.IndexByte(email, '@')], Grants: grants, Password: password})
	if err != nil || link != "" {
		t.Fatalf("add %s: link %q, %v", email, link, err)
	}
	return u
}

// actor is u acting from a browser.
func actor(u news.User) accounts.Actor { return accounts.Actor{User: u, IP: "192.0.2.10"} }

// auditSince returns the actions logged after seq, oldest first, and the
// newest seq.
func (f *fixture) auditSince(t *testing.T, seq int64) ([]store.AuditEntry, int64) {
	t.Helper()
	list, err := f.store.AuditEntries(ctx, store.AuditQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEntry
	for _, e := range list {
		if e.Seq > seq {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	if len(list) > 0 {
		seq = list[0].Seq
	}
	return out, seq
}

// expectAudit checks that exactly the given actions (action or
// action:target) were logged after *seq, and moves *seq on.
func (f *fixture) expectAudit(t *testing.T, seq *int64, want ...string) []store.AuditEntry {
	t.Helper()
	list, next := f.auditSince(t, *seq)
	*seq = next
	var got []string
	for i, e := range list {
		s := e.Action
		if i < len(want) && strings.Contains(want[i], ":") {
			s += ":" + e.Target
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit entries %q, want %q", got, want)
	}
	return list
}

// fieldOf returns the path of the first field error in err, or "" when err
// is not a validation error.
func fieldOf(err error) string {
	var v *news.ValidationError
	if !errors.As(err, &v) || len(v.Fields) == 0 {
		return ""
	}
	return v.Fields[0].Path
}
