package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"newsdesk/internal/accounts"
	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

func TestSignIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		f.add(t, "off@example.org", news.Grant{Role: news.RoleEditor})
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "off@example.org", news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		_, seq := f.auditSince(t, 0)
		res, err := f.svc.SignIn(ctx, "  Ada@Example.org ", password, "192.0.2.1")
		if err != nil || res.User.ID != ada.ID || res.NeedsCode {
			t.Fatalf("right password: %+v, %v", res, err)
		}
		// Wrong password, unknown email, disabled account (even with its
		// right password), an empty or over-long input: one answer.
		var first error
		for i, try := range [][2]string{
			{"ada@example.org", "Tangerine-Rocket-Violin-89"},
			{"nobody@example.org", password},
			{"off@example.org", password},
			{"ada@example.org", ""},
			{"ada@example.org", strings.Repeat("x", 5000)},
		} {
			res, err := f.svc.SignIn(ctx, try[0], try[1], "192.0.2.2")
			if !errors.Is(err, accounts.ErrInvalidCredentials) || res.User.ID != 0 {
				t.Errorf("%s: %+v, %v", try[0], res, err)
				continue
			}
			if i == 0 {
				first = err
			} else if err.Error() != first.Error() {
				t.Errorf("%s: message %q differs from a wrong password's %q", try[0], err, first)
			}
		}
		entries := f.expectAudit(t, &seq, "sign-in:ada@example.org", "sign-in.failed:ada@example.org",
			"sign-in.failed:nobody@example.org", "sign-in.failed:off@example.org", "sign-in.failed:ada@example.org")
		reasons := []string{"", "wrong password", "unknown account or no password", "account disabled", "wrong password"}
		for i, e := range entries {
			if i < len(reasons) && e.Details["reason"] != reasons[i] {
				t.Errorf("entry %d (%s) reason %q, want %q", i, e.Action, e.Details["reason"], reasons[i])
			}
		}
		if len(entries) > 1 && (entries[0].IP != "192.0.2.1" || entries[0].ActorID != ada.ID || entries[1].IP != "192.0.2.2" || entries[1].ActorID != 0) {
			t.Errorf("who and where: %+v / %+v", entries[0], entries[1])
		}
	})
}

// TestRehashOnSignIn: hashes made with old parameters are upgraded at the
// next successful sign-in, which is not a password change.
func TestRehashOnSignIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleEditor})
		before, err := f.store.Credentials(ctx, ada.ID)
		if err != nil || !strings.Contains(before.PasswordHash, "m=1024,t=1,p=1") {
			t.Fatalf("hash made with TestParams: %q, %v", before.PasswordHash, err)
		}
		f.clock.Add(time.Hour)
		upgraded := auth.Params{Time: 2, Memory: 2048, Threads: 1, KeyLen: 32, SaltLen: 16}
		svc := f.service(upgraded)
		if _, err := svc.SignIn(ctx, "ada@example.org", "wrong-password-here", "192.0.2.1"); err == nil {
			t.Fatal("wrong password accepted")
		}
		if c, _ := f.store.Credentials(ctx, ada.ID); c.PasswordHash != before.PasswordHash {
			t.Error("a failed sign-in rehashed the password")
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		after, _ := f.store.Credentials(ctx, ada.ID)
		if after.PasswordHash == before.PasswordHash || !strings.Contains(after.PasswordHash, "m=2048,t=2,p=1") {
			t.Errorf("hash not upgraded: %q", after.PasswordHash)
		}
		if !after.PasswordChangedAt.Equal(before.PasswordChangedAt) {
			t.Errorf("a rehash counted as a password change: %v → %v", before.PasswordChangedAt, after.PasswordChangedAt)
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.store.Credentials(ctx, ada.ID); again.PasswordHash != after.PasswordHash {
			t.Error("an up-to-date hash was rehashed")
		}
		// The old service still verifies the new hash (parameters are read
		// from it) and upgrades it back: parameters may go either way.
		if _, err := f.svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); err != nil {
			t.Errorf("sign in with the old parameters: %v", err)
		}
	})
}

// wrongPasswords makes n failed sign-ins for email from ip that the service
// really checks: whenever it is throttled, the clock moves past the block
// first. It returns the time that took.
func wrongPasswords(t *testing.T, f *fixture, email, ip string, n int) time.Duration {
	t.Helper()
	start := f.clock.Now()
	for i := 0; i < n; {
		_, err := f.svc.SignIn(ctx, email, "Wrong-Guess-Number-"+string(rune('a'+i%26)), ip)
		var te *accounts.ThrottledError
		switch {
		case errors.As(err, &te):
			if te.RetryAfter <= 0 || te.RetryAfter > 15*time.Minute {
				t.Fatalf("attempt %d: retry after %v", i+1, te.RetryAfter)
			}
			f.clock.Add(te.RetryAfter)
		case errors.Is(err, accounts.ErrInvalidCredentials):
			i++
		default:
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	return f.clock.Now().Sub(start)
}

func throttled(err error) time.Duration {
	var te *accounts.ThrottledError
	if errors.As(err, &te) {
		return te.RetryAfter
	}
	return 0
}

// TestThrottle: fifty wrong passwords for one account trigger the limit for
// that account (and address); the limit locks nothing else, holds across a
// restart, and lifts when the block has passed.
func TestThrottle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.add(t, "ada@example.org", news.Grant{Role: news.RoleEditor})
		f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor})
		const attacker, bobIP, elsewhere = "203.0.113.9", "198.51.100.7", "198.51.100.99"

		// The first five mistakes are free; the sixth pauses the account.
		for i := range 6 {
			if _, err := f.svc.SignIn(ctx, "ada@example.org", "Wrong-Guess-Number-1", attacker); !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Fatalf("mistake %d: %v", i+1, err)
			}
		}
		_, err := f.svc.SignIn(ctx, "ada@example.org", password, attacker)
		if d := throttled(err); d != time.Second {
			t.Fatalf("after six failures: %v (retry after %v), want a one-second pause", err, d)
		}
		took := wrongPasswords(t, f, "ada@example.org", attacker, 50-6)
		t.Logf("50 checked wrong passwords took %v of clock time", took)

		// Even the right password is refused now, from any address.
		for _, ip := range []string{attacker, elsewhere} {
			if d := throttled(f.second("ada@example.org", password, ip)); d != 15*time.Minute {
				t.Errorf("Ada from %s after 50 failures: retry after %v, want 15m", ip, d)
			}
		}
		// Bob, from his own address, is not locked by the attack on Ada.
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, bobIP); err != nil {
			t.Errorf("Bob from another address: %v", err)
		}
		// Fifty failures also paused the attacker's address: Bob's right
		// password from there is refused too, by the address limit alone.
		if d := throttled(f.second("bob@example.org", password, attacker)); d != 15*time.Minute {
			t.Errorf("Bob from the attacking address: retry after %v", d)
		}
		if th, _ := f.store.ThrottleOf(ctx, "account:bob@example.org"); th.Failures != 0 {
			t.Errorf("the attack counted %d failures against Bob", th.Failures)
		}
		if th, _ := f.store.ThrottleOf(ctx, "account:ada@example.org"); th.Failures != 50 {
			t.Errorf("Ada's account has %d failures, want 50", th.Failures)
		}

		// A restart (a new service on the same database) keeps the limit.
		restarted := f.service(auth.TestParams)
		if _, err := restarted.SignIn(ctx, "ada@example.org", password, attacker); throttled(err) == 0 {
			t.Errorf("after a restart: %v", err)
		}
		// When the block has passed, Ada signs in from the same address,
		// which clears her account's failures.
		f.clock.Add(15 * time.Minute)
		if _, err := restarted.SignIn(ctx, "ada@example.org", password, attacker); err != nil {
			t.Fatalf("after the block: %v", err)
		}
		if th, _ := f.store.ThrottleOf(ctx, "account:ada@example.org"); th.Failures != 0 {
			t.Errorf("a sign-in left %d failures on the account", th.Failures)
		}
		if _, err := f.store.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		failed, err := f.store.AuditEntries(ctx, store.AuditQuery{Action: "sign-in.failed", Limit: 500})
		if err != nil || len(failed) != 50 {
			t.Errorf("%d failed sign-ins logged, want 50 (throttled attempts are not checked, so not logged): %v", len(failed), err)
		}
	})
}

// second signs in through another service on the same database, as a second
// node behind a load balancer would.
func (f *fixture) second(email, pw, ip string) error {
	_, err := f.service(auth.TestParams).SignIn(ctx, email, pw, ip)
	return err
}

// TestThrottlePerAddress: guesses spread over many accounts from one
// address pause that address, not the accounts.
func TestThrottlePerAddress(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor})
		const sprayer = "203.0.113.50"
		for i := range 21 {
			email := "guess" + string(rune('a'+i)) + "@example.org"
			if _, err := f.svc.SignIn(ctx, email, "Wrong-Guess-Number-1", sprayer); !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, sprayer); throttled(err) == 0 {
			t.Errorf("22nd attempt from the spraying address: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, "198.51.100.7"); err != nil {
			t.Errorf("Bob from his own address: %v", err)
		}
	})
}

// enrol turns on two-factor sign-in for u and returns the secret and the
// recovery codes.
func enrol(t *testing.T, f *fixture, u news.User) (string, []string) {
	t.Helper()
	e, err := f.svc.BeginTOTP(actor(u))
	if err != nil || e.Secret == "" || !strings.HasPrefix(e.URL, "otpauth://totp/") || len(e.QRPNG) == 0 {
		t.Fatalf("begin: %+v, %v", e, err)
	}
	if _, err := f.svc.ConfirmTOTP(ctx, actor(u), e.Secret, "000000"); fieldOf(err) != "code" {
		t.Fatalf("confirm with a wrong code: %v", err)
	}
	code, err := totp.GenerateCode(e.Secret, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	recovery, err := f.svc.ConfirmTOTP(ctx, actor(u), e.Secret, code)
	if err != nil || len(recovery) != 10 {
		t.Fatalf("confirm: %d codes, %v", len(recovery), err)
	}
	return e.Secret, recovery
}

func TestTwoFactorSignIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleChiefEditor})
		secret, recovery := enrol(t, f, ada)
		if has, _ := f.svc.HasTOTP(ctx, ada.ID); !has {
			t.Fatal("not enrolled")
		}
		_, seq := f.auditSince(t, 0)

		// The password alone is only half a sign-in: nothing is logged as
		// signed in until the code.
		res, err := f.svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1")
		if err != nil || !res.NeedsCode {
			t.Fatalf("password step: %+v, %v", res, err)
		}
		f.expectAudit(t, &seq)
		// The code that confirmed enrolment was used: it cannot sign in.
		code, _ := totp.GenerateCode(secret, f.clock.Now())
		if _, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
			t.Errorf("enrolment code reused: %v", err)
		}
		f.clock.Add(30 * time.Second)
		code, _ = totp.GenerateCode(secret, f.clock.Now())
		if u, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); err != nil || u.ID != ada.ID {
			t.Fatalf("fresh code: %v", err)
		}
		if _, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
			t.Errorf("the same code replayed: %v", err)
		}
		// The previous step's code is within the skew window but older than
		// the last one used: refused too.
		prev, _ := totp.GenerateCode(secret, f.clock.Now().Add(-30*time.Second))
		if _, err := f.svc.VerifyCode(ctx, ada.ID, prev, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
			t.Errorf("an older code: %v", err)
		}
		for _, bad := range []string{"12345", "abcdef", recovery[0] + "x"} {
			if _, err := f.svc.VerifyCode(ctx, ada.ID, bad, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
				t.Errorf("code %q: %v", bad, err)
			}
		}
		// A recovery code works once, in any case and spacing a person types.
		if _, err := f.svc.VerifyCode(ctx, ada.ID, " "+strings.ToUpper(recovery[3])+" ", "192.0.2.1"); err != nil {
			t.Errorf("recovery code: %v", err)
		}
		if _, err := f.svc.VerifyCode(ctx, ada.ID, recovery[3], "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
			t.Errorf("recovery code twice: %v", err)
		}
		if c, _ := f.store.Credentials(ctx, ada.ID); len(c.RecoveryHashes) != 9 {
			t.Errorf("%d recovery codes left, want 9", len(c.RecoveryHashes))
		}
		entries := f.expectAudit(t, &seq, "sign-in.failed", "sign-in", "sign-in.failed", "sign-in.failed",
			"sign-in.failed", "sign-in.failed", "sign-in.failed", "sign-in", "sign-in.failed")
		if len(entries) == 9 && (entries[1].Details["method"] != "password+totp" || entries[7].Details["method"] != "password+recovery-code") {
			t.Errorf("methods %v / %v", entries[1].Details, entries[7].Details)
		}
		// Wrong codes count against the account like wrong passwords (a
		// sign-in cleared the earlier ones): five more, and it is paused,
		// even for a right code.
		for range 5 {
			if _, err := f.svc.VerifyCode(ctx, ada.ID, "000000", "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCode) {
				t.Fatalf("wrong code: %v", err)
			}
		}
		// (The next step's code is fresh and within the allowed skew.)
		code, _ = totp.GenerateCode(secret, f.clock.Now().Add(30*time.Second))
		if _, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); throttled(err) == 0 {
			t.Errorf("after six wrong codes in a row: %v", err)
		}
		f.clock.Add(time.Second)
		if _, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); err != nil {
			t.Errorf("the same code once the pause is over: %v", err)
		}
		// A disabled user's right code is refused.
		f.clock.Add(time.Hour)
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "ada@example.org", news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		code, _ = totp.GenerateCode(secret, f.clock.Now())
		if _, err := f.svc.VerifyCode(ctx, ada.ID, code, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("disabled user's code: %v", err)
		}
	})
}

func TestDisableTOTP(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		enrol(t, f, ada)
		if err := f.svc.DisableTOTP(ctx, actor(ada), password, true); fieldOf(err) != "" || err == nil {
			t.Errorf("removal where the site requires it: %v", err)
		}
		if err := f.svc.DisableTOTP(ctx, actor(ada), "not-my-password", false); fieldOf(err) != "password" {
			t.Errorf("removal with a wrong password: %v", err)
		}
		if has, _ := f.svc.HasTOTP(ctx, ada.ID); !has {
			t.Fatal("refused removals removed two-factor")
		}
		if err := f.svc.DisableTOTP(ctx, actor(ada), password, false); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); err != nil || res.NeedsCode {
			t.Errorf("sign in after removal: %+v, %v", res, err)
		}
		if !accounts.TwoFactorRequired(true, ada) || accounts.TwoFactorRequired(false, ada) ||
			accounts.TwoFactorRequired(true, news.User{Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleEditor}}}) ||
			!accounts.TwoFactorRequired(true, news.User{Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor, Channel: "news"}}}) {
			t.Error("TwoFactorRequired covers the wrong roles")
		}
	})
}

func TestChangePassword(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleEditor})
		bob := f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor})
		now := f.clock.Now()
		for _, s := range []struct {
			hash string
			user int64
		}{{"ada-here", ada.ID}, {"ada-phone", ada.ID}, {"ada-laptop", ada.ID}, {"bob-1", bob.ID}} {
			if err := f.store.SaveSession(ctx, store.Session{TokenHash: s.hash, UserID: s.user, LastSeen: now, Expiry: now.Add(time.Hour)}, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		sessions := func(u news.User) int {
			list, err := f.store.UserSessions(ctx, u.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		_, seq := f.auditSince(t, 0)
		const next = "Quiet-Lantern-Meadow-57"
		if err := f.svc.ChangePassword(ctx, actor(ada), "wrong-current-pass", next, "ada-here"); fieldOf(err) != "current" {
			t.Errorf("wrong current password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, actor(ada), password, "short", "ada-here"); fieldOf(err) != "password" {
			t.Errorf("weak new password: %v", err)
		}
		if n := sessions(ada); n != 3 {
			t.Fatalf("refused changes ended sessions: %d left", n)
		}
		f.expectAudit(t, &seq)
		if err := f.svc.ChangePassword(ctx, actor(ada), password, next, "ada-here"); err != nil {
			t.Fatal(err)
		}
		list, _ := f.store.UserSessions(ctx, ada.ID, now)
		if len(list) != 1 || list[0].TokenHash != "ada-here" {
			t.Errorf("Ada's sessions after the change: %+v", list)
		}
		if n := sessions(bob); n != 1 {
			t.Errorf("Bob's session ended with Ada's change")
		}
		f.expectAudit(t, &seq, "user.password-change:ada@example.org")
		if _, err := f.svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("old password: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "ada@example.org", next, "192.0.2.1"); err != nil {
			t.Errorf("new password: %v", err)
		}
	})
}
