package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func createUser(t *testing.T, s *store.Store, email string, status news.UserStatus, grants ...news.Grant) int64 {
	t.Helper()
	id, err := s.CreateUser(ctx, news.User{Email: email, Name: email, Status: status, Grants: grants}, t0)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return id
}

func TestUsersAndGrants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		channels(t, s)
		id := createUser(t, s, "ed@example.org", news.UserActive,
			news.Grant{Role: news.RoleEditor, Channel: "news/china"}, news.Grant{Role: news.RoleContributor, Channel: "news/world"},
			news.Grant{Role: news.RoleEditor, Channel: "news/china"})
		u, err := s.UserByEmail(ctx, "ed@example.org")
		if err != nil {
			t.Fatal(err)
		}
		want := []news.Grant{{Role: news.RoleEditor, Channel: "news/china"}, {Role: news.RoleContributor, Channel: "news/world"}}
		if u.ID != id || u.Status != news.UserActive || fmt.Sprint(u.Grants) != fmt.Sprint(want) || !u.CreatedAt.Equal(t0) {
			t.Errorf("stored user = %+v", u)
		}
		if _, err := s.CreateUser(ctx, news.User{Email: "ed@example.org", Name: "Again", Status: news.UserActive}, t0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second user with the same email: %v, want ErrConflict", err)
		}
		if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("unknown email: %v", err)
		}
		if _, err := s.UserByID(ctx, id+100); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
		if _, err := s.Credentials(ctx, id+100); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("credentials of unknown id: %v", err)
		}
		if err := s.SetPassword(ctx, id+100, "x", t0, false); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("password of unknown id: %v", err)
		}
	})
}

func TestCountActiveAdministrators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		channels(t, s)
		count := func() int {
			t.Helper()
			n, err := s.CountActiveAdministrators(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 0 {
			t.Fatalf("empty database: %d administrators", n)
		}
		// Neither a subtree administrator, nor a disabled one, nor a chief
		// editor counts; an administrator with two grants counts once.
		createUser(t, s, "sub@example.org", news.UserActive, news.Grant{Role: news.RoleAdministrator, Channel: "news"})
		createUser(t, s, "off@example.org", news.UserDisabled, news.Grant{Role: news.RoleAdministrator})
		createUser(t, s, "chief@example.org", news.UserActive, news.Grant{Role: news.RoleChiefEditor})
		if n := count(); n != 0 {
			t.Fatalf("no active site administrator yet, counted %d", n)
		}
		createUser(t, s, "ada@example.org", news.UserActive, news.Grant{Role: news.RoleAdministrator}, news.Grant{Role: news.RoleAdministrator, Channel: "news"})
		if n := count(); n != 1 {
			t.Fatalf("one site administrator, counted %d", n)
		}
	})
}

func TestThrottleRecords(t *testing.T) {
	block := func(n int) time.Duration { return time.Duration(n) * time.Minute }
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if th, err := s.ThrottleOf(ctx, "ip:192.0.2.1"); err != nil || th.Failures != 0 || !th.BlockedUntil.IsZero() {
			t.Fatalf("unknown key: %+v, %v", th, err)
		}
		for i := 1; i <= 3; i++ {
			th, err := s.RecordFailure(ctx, "ip:192.0.2.1", t0, time.Hour, block)
			if err != nil || th.Failures != i || !th.BlockedUntil.Equal(t0.Add(time.Duration(i)*time.Minute)) {
				t.Fatalf("failure %d: %+v, %v", i, th, err)
			}
		}
		th, err := s.ThrottleOf(ctx, "ip:192.0.2.1")
		if err != nil || th.Failures != 3 || !th.LastFailure.Equal(t0) || !th.BlockedUntil.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("stored: %+v, %v", th, err)
		}
		if other, _ := s.ThrottleOf(ctx, "ip:192.0.2.2"); other.Failures != 0 {
			t.Errorf("another key has %d failures", other.Failures)
		}
		// Failures older than the reset period are forgotten.
		th, err = s.RecordFailure(ctx, "ip:192.0.2.1", t0.Add(61*time.Minute), time.Hour, block)
		if err != nil || th.Failures != 1 {
			t.Fatalf("after the reset period: %+v, %v", th, err)
		}
		if err := s.ClearThrottle(ctx, "ip:192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if th, _ := s.ThrottleOf(ctx, "ip:192.0.2.1"); th.Failures != 0 {
			t.Errorf("after clear: %+v", th)
		}
	})
}

// TestThrottleCountsConcurrentFailures: nodes sharing one database record
// failures at the same moment; none may be lost, or an attacker who sends
// guesses in parallel gets more of them than the limit allows.
func TestThrottleCountsConcurrentFailures(t *testing.T) {
	const n = 24
	block := func(int) time.Duration { return 0 }
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				errs <- s.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.RecordFailure(ctx, "account:ada@example.org", t0, time.Hour, block)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		th, err := s.ThrottleOf(ctx, "account:ada@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if th.Failures != n {
			t.Errorf("%d concurrent failures counted as %d", n, th.Failures)
		}
	})
}

func TestOneTimeLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ada := createUser(t, s, "ada@example.org", news.UserActive)
		bob := createUser(t, s, "bob@example.org", news.UserActive)
		mk := func(hash, purpose string, user int64, ttl time.Duration) {
			t.Helper()
			if err := s.CreateLink(ctx, store.Link{Hash: hash, Purpose: purpose, UserID: user, CreatedAt: t0, ExpiresAt: t0.Add(ttl)}); err != nil {
				t.Fatal(err)
			}
		}
		live := func(hash, purpose string, at time.Time) bool {
			t.Helper()
			_, err := s.LiveLink(ctx, hash, purpose, at)
			if err != nil && !errors.Is(err, news.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		use := func(hash string, at time.Time) bool {
			t.Helper()
			ok, err := s.UseLink(ctx, hash, at)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		mk("reset-ada", store.LinkReset, ada, time.Hour)
		mk("reset-bob", store.LinkReset, bob, time.Hour)
		mk("invite-ada", store.LinkInvite, ada, time.Hour)
		mk("setup", store.LinkSetup, 0, time.Hour)

		l, err := s.LiveLink(ctx, "reset-ada", store.LinkReset, t0)
		if err != nil || l.UserID != ada || l.Purpose != store.LinkReset {
			t.Fatalf("live link: %+v, %v", l, err)
		}
		if live("reset-ada", store.LinkInvite, t0) {
			t.Error("a reset link works as an invitation")
		}
		if live("reset-ada", store.LinkReset, t0.Add(time.Hour)) {
			t.Error("a link works at its expiry")
		}
		if use("reset-ada", t0.Add(time.Hour)) {
			t.Error("an expired link was used")
		}
		if !use("reset-ada", t0.Add(time.Minute)) {
			t.Fatal("a live link could not be used")
		}
		if use("reset-ada", t0.Add(2*time.Minute)) || live("reset-ada", store.LinkReset, t0.Add(2*time.Minute)) {
			t.Error("a link worked twice")
		}
		if use("never-made", t0) {
			t.Error("an unknown link was used")
		}

		// Expiring Ada's reset links leaves Bob's, Ada's invitation and the
		// setup link alone; expiring setup links ends only those.
		mk("reset-ada-2", store.LinkReset, ada, time.Hour)
		if err := s.ExpireLinks(ctx, store.LinkReset, ada, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(2 * time.Minute)
		if live("reset-ada-2", store.LinkReset, at) || !live("reset-bob", store.LinkReset, at) ||
			!live("invite-ada", store.LinkInvite, at) || !live("setup", store.LinkSetup, at) {
			t.Error("ExpireLinks(reset, ada) ended the wrong links")
		}
		if err := s.ExpireLinks(ctx, store.LinkSetup, 0, at); err != nil {
			t.Fatal(err)
		}
		if live("setup", store.LinkSetup, at.Add(time.Second)) || !live("reset-bob", store.LinkReset, at.Add(time.Second)) {
			t.Error("ExpireLinks(setup) ended the wrong links")
		}
	})
}

func TestTOTPStepsAndRecoveryCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		id := createUser(t, s, "ada@example.org", news.UserActive)
		codes := []string{"h1", "h2", "h3"}
		if err := s.SetTOTP(ctx, id, "SECRET", codes, t0); err != nil {
			t.Fatal(err)
		}
		c, err := s.Credentials(ctx, id)
		if err != nil || c.TOTPSecret != "SECRET" || strings.Join(c.RecoveryHashes, ",") != "h1,h2,h3" || c.TOTPLastStep != 0 {
			t.Fatalf("credentials %+v, %v", c, err)
		}
		for _, tt := range []struct {
			step int64
			want bool
		}{{100, true}, {100, false}, {99, false}, {101, true}, {50, false}} {
			if ok, err := s.UseTOTPStep(ctx, id, tt.step); err != nil || ok != tt.want {
				t.Errorf("use step %d: %v, %v; want %v", tt.step, ok, err, tt.want)
			}
		}
		// Two sign-ins holding the same list race for code h2: one wins.
		if ok, err := s.UseRecoveryCode(ctx, id, codes, 1); err != nil || !ok {
			t.Fatalf("use h2: %v, %v", ok, err)
		}
		if ok, _ := s.UseRecoveryCode(ctx, id, codes, 1); ok {
			t.Error("h2 used twice from the same stale list")
		}
		if ok, _ := s.UseRecoveryCode(ctx, id, codes, 7); ok {
			t.Error("an index outside the list was used")
		}
		c, _ = s.Credentials(ctx, id)
		if strings.Join(c.RecoveryHashes, ",") != "h1,h3" {
			t.Errorf("codes left: %v", c.RecoveryHashes)
		}
		// Removing two-factor clears the secret, the codes and the step.
		if err := s.SetTOTP(ctx, id, "", nil, t0); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Credentials(ctx, id); c.TOTPSecret != "" || len(c.RecoveryHashes) != 0 || c.TOTPLastStep != 0 {
			t.Errorf("after removal: %+v", c)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ada := createUser(t, s, "ada@example.org", news.UserActive)
		bob := createUser(t, s, "bob@example.org", news.UserActive)
		save := func(hash string, user int64, seen time.Time, expiry time.Time) {
			t.Helper()
			if err := s.SaveSession(ctx, store.Session{TokenHash: hash, UserID: user, LastSeen: seen, Expiry: expiry, IP: "192.0.2.1", UserAgent: "test"}, []byte(hash)); err != nil {
				t.Fatal(err)
			}
		}
		later := t0.Add(time.Hour)
		save("a1", ada, t0, later)
		save("a2", ada, t0.Add(time.Minute), later)
		save("a3", ada, t0, t0.Add(time.Second))
		save("b1", bob, t0, later)
		save("anon", 0, t0, later)
		// Saving again updates in place: the form session signs in.
		save("anon", ada, t0.Add(2*time.Minute), later)

		if data, ok, err := s.SessionData(ctx, "a1", t0); err != nil || !ok || string(data) != "a1" {
			t.Fatalf("find a1: %q %v %v", data, ok, err)
		}
		if _, ok, _ := s.SessionData(ctx, "a3", t0.Add(time.Second)); ok {
			t.Error("an expired session was found")
		}
		list, err := s.UserSessions(ctx, ada, t0.Add(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var hashes []string
		for _, x := range list {
			hashes = append(hashes, x.TokenHash)
		}
		if strings.Join(hashes, ",") != "anon,a2,a1" {
			t.Errorf("Ada's live sessions, most recent first: %v", hashes)
		}
		// A user can revoke only their own session.
		if ok, err := s.DeleteUserSession(ctx, bob, "a1"); err != nil || ok {
			t.Errorf("Bob revoked Ada's session: %v %v", ok, err)
		}
		if ok, err := s.DeleteUserSession(ctx, ada, "a1"); err != nil || !ok {
			t.Errorf("Ada could not revoke her session: %v %v", ok, err)
		}
		n, err := s.DeleteUserSessions(ctx, ada, "a2")
		if err != nil || n != 2 {
			t.Errorf("ending Ada's other sessions: %d, %v", n, err)
		}
		if _, ok, _ := s.SessionData(ctx, "a2", t0); !ok {
			t.Error("the kept session ended")
		}
		if _, ok, _ := s.SessionData(ctx, "b1", t0); !ok {
			t.Error("Bob's session ended with Ada's")
		}
		if n, err := s.DeleteExpiredSessions(ctx, later); err != nil || n != 2 {
			t.Errorf("expired sessions removed: %d, %v", n, err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ada := createUser(t, s, "ada@example.org", news.UserActive)
		bob := createUser(t, s, "bob@example.org", news.UserActive)
		tok := store.APIToken{ID: "abc", UserID: ada, Name: "ci", SecretHash: "h", Scopes: []string{"read", "write"}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := s.TokenByID(ctx, "abc")
		if err != nil || got.UserID != ada || strings.Join(got.Scopes, ",") != "read,write" || !got.ExpiresAt.Equal(tok.ExpiresAt) || !got.LastUsedAt.IsZero() {
			t.Fatalf("token %+v, %v", got, err)
		}
		if !got.Usable(t0) || got.Usable(t0.Add(time.Hour)) {
			t.Error("Usable does not stop at the expiry")
		}
		if _, err := s.TokenByID(ctx, "nope"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		if err := s.RevokeToken(ctx, bob, "abc", t0); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("Bob revoking Ada's token: %v", err)
		}
		if err := s.RevokeToken(ctx, ada, "abc", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, ada, "abc", t0); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		if got, _ := s.TokenByID(ctx, "abc"); got.Usable(t0) || !got.RevokedAt.Equal(t0) {
			t.Errorf("revoked token %+v", got)
		}
	})
}

func appendAudit(t *testing.T, s *store.Store, e store.AuditEntry) store.AuditEntry {
	t.Helper()
	var out store.AuditEntry
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AppendAudit(ctx, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if n, err := s.VerifyAudit(ctx); err != nil || n != 0 {
			t.Fatalf("empty log: %d, %v", n, err)
		}
		actions := []string{"sign-in", "user.create", "user.set-role", "sign-in.failed", "user_x", "token.create"}
		var first store.AuditEntry
		for i, a := range actions {
			e := appendAudit(t, s, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Second), ActorID: 0, Actor: "cli", IP: "192.0.2.1",
				Action: a, Target: fmt.Sprintf("user%d@example.org", i), Details: map[string]string{"i": fmt.Sprint(i)}})
			if i == 0 {
				first = e
			}
		}
		if first.Seq != 1 || first.PrevHash != strings.Repeat("0", 64) || len(first.Hash) != 64 {
			t.Errorf("first entry %+v", first)
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != int64(len(actions)) {
			t.Fatalf("intact log: %d, %v", n, err)
		}
		// The prefix filter takes "_" literally, not as a LIKE wildcard.
		list, err := s.AuditEntries(ctx, store.AuditQuery{Action: "user."})
		if err != nil || len(list) != 2 || list[0].Action != "user.set-role" || list[1].Action != "user.create" {
			t.Errorf("user. entries: %+v, %v", list, err)
		}
		if list, _ := s.AuditEntries(ctx, store.AuditQuery{Target: "user4@"}); len(list) != 1 || list[0].Action != "user_x" {
			t.Errorf("target filter: %+v", list)
		}
		// Text a column cannot hold as given (NUL, invalid UTF-8: a
		// hostile sign-in form's email, a token's name) is stored
		// replaced, and the chain still verifies.
		e := appendAudit(t, s, store.AuditEntry{At: t0, Actor: "a\x00b", Action: "sign-in.failed", Target: "x\xff\xfey",
			Details: map[string]string{"name\xff": "v\x00\x1b<&>\u2028"}})
		if e.Target != "x\ufffdy" || e.Actor != "a\ufffdb" || e.Details["name\ufffd"] != "v\ufffd\x1b<&>\u2028" {
			t.Errorf("stored as %+v", e)
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != int64(len(actions))+1 {
			t.Errorf("after odd text: %d, %v", n, err)
		}
	})
}

// TestAuditTampering edits, deletes and forges rows with raw SQL, as someone
// holding the database could, and checks each is found at the right entry.
func TestAuditTampering(t *testing.T) {
	tests := []struct {
		name   string
		sql    string
		seq    int64
		reason string
	}{
		{"edited target", `UPDATE audit_log SET target = 'someone-else@example.org' WHERE seq = 3`, 3, "contents do not match"},
		{"edited time", `UPDATE audit_log SET at = at + INTERVAL '1 hour' WHERE seq = 2`, 2, "contents do not match"},
		{"edited details", `UPDATE audit_log SET details = '{"i":"9"}' WHERE seq = 4`, 4, "contents do not match"},
		{"edited last row", `UPDATE audit_log SET actor = 'nobody' WHERE seq = 5`, 5, "contents do not match"},
		{"deleted row", `DELETE FROM audit_log WHERE seq = 2`, 2, "a row was deleted"},
		{"deleted first row", `DELETE FROM audit_log WHERE seq = 1`, 1, "a row was deleted"},
		{"rehashed row", `UPDATE audit_log SET hash = prev_hash WHERE seq = 3`, 3, "contents do not match"},
		{"forged row", `INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash)
			SELECT 6, at, actor, action, 'forged', details, hash, hash FROM audit_log WHERE seq = 5`, 6, "contents do not match"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit_log`); err != nil {
					t.Fatal(err)
				}
				for i := range 5 {
					appendAudit(t, s, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "cli", Action: "user.create",
						Target: fmt.Sprintf("u%d@example.org", i), Details: map[string]string{"i": fmt.Sprint(i)}})
				}
				query := tt.sql
				if s.Dialect() == "sqlite" {
					query = strings.ReplaceAll(query, "at + INTERVAL '1 hour'", "datetime(at, '+1 hour')")
				}
				if _, err := s.DB().ExecContext(ctx, query); err != nil {
					t.Fatal(err)
				}
				n, err := s.VerifyAudit(ctx)
				var br *store.AuditBreak
				if !errors.As(err, &br) {
					t.Fatalf("tampering not found: %d entries, %v", n, err)
				}
				if br.Seq != tt.seq || !strings.Contains(br.Reason, tt.reason) || n != tt.seq-1 {
					t.Errorf("found break %v after %d good entries; want entry %d, %q", br, n, tt.seq, tt.reason)
				}
			})
		}
	})
}
