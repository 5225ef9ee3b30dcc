package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Throttle policy: a few free mistakes, then delays that double with each
// failure, up to a cap. Accounts and addresses are counted apart, so an
// attack on one account never locks another, and an address behind which a
// whole newsroom sits gets more room.
const (
	accountFreeFailures = 5
	ipFreeFailures      = 20
	maxBlock            = 15 * time.Minute
	failureMemory       = 24 * time.Hour
)

func blockFor(free int) func(int) time.Duration {
	return func(failures int) time.Duration {
		if failures <= free {
			return 0
		}
		d := time.Second << min(failures-free-1, 20)
		return min(d, maxBlock)
	}
}

func accountKey(email string) string { return "account:" + email }
func ipKey(ip string) string         { return "ip:" + ip }

// SignInResult is a password sign-in that succeeded. When NeedsCode is set
// the user must still give a two-factor code (VerifyCode) before a session
// is theirs.
type SignInResult struct {
	User      news.User
	NeedsCode bool
}

// checkThrottle refuses early when the address or account is paused.
func (s *Service) checkThrottle(ctx context.Context, keys ...string) error {
	now := s.now()
	var wait time.Duration
	for _, k := range keys {
		t, err := s.Store.ThrottleOf(ctx, k)
		if err != nil {
			return err
		}
		if d := t.BlockedUntil.Sub(now); d > wait {
			wait = d
		}
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, email, ip, action, reason string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		if _, err := tx.RecordFailure(ctx, accountKey(email), now, failureMemory, blockFor(accountFreeFailures)); err != nil {
			return err
		}
		if _, err := tx.RecordFailure(ctx, ipKey(ip), now, failureMemory, blockFor(ipFreeFailures)); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: email, IP: ip, Action: action, Target: email, Details: map[string]string{"reason": reason}})
		return err
	})
}

// SignIn checks an email and password. Unknown emails, wrong passwords and
// disabled accounts get the same error after the same work, and count
// against the address and the account alike.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (SignInResult, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	// No account has such an email, and it could not be stored to count
	// the failure (PostgreSQL refuses NUL).
	if len(email) > 320 || len(password) > 1024 || !plainText(email) {
		return SignInResult{}, ErrInvalidCredentials
	}
	if err := s.checkThrottle(ctx, accountKey(email), ipKey(ip)); err != nil {
		return SignInResult{}, err
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return SignInResult{}, err
	}
	var creds store.Credentials
	if err == nil {
		if creds, err = s.Store.Credentials(ctx, u.ID); err != nil {
			return SignInResult{}, err
		}
	}
	if u.ID == 0 || creds.PasswordHash == "" {
		s.Hasher.DummyVerify(password)
		return SignInResult{}, errors.Join(ErrInvalidCredentials, s.recordFailure(ctx, email, ip, "sign-in.failed", "unknown account or no password"))
	}
	ok, rehash, err := s.Hasher.Verify(password, creds.PasswordHash)
	if err != nil {
		s.Log.Error("stored password hash unreadable", "user", u.ID, "err", err)
	}
	if !ok || !u.Active() {
		reason := "wrong password"
		if ok {
			reason = "account disabled"
		}
		return SignInResult{}, errors.Join(ErrInvalidCredentials, s.recordFailure(ctx, email, ip, "sign-in.failed", reason))
	}
	if rehash {
		if hash, err := s.Hasher.Hash(password); err == nil {
			if err := s.Store.SetPassword(ctx, u.ID, hash, s.now(), true); err != nil {
				s.Log.Warn("password rehash failed", "user", u.ID, "err", err)
			}
		}
	}
	if creds.TOTPSecret != "" {
		return SignInResult{User: u, NeedsCode: true}, nil
	}
	return SignInResult{User: u}, s.signedIn(ctx, u, ip, "password")
}

// signedIn clears failure counters and records the sign-in.
func (s *Service) signedIn(ctx context.Context, u news.User, ip, method string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearThrottle(ctx, accountKey(u.Email)); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, store.AuditEntry{At: s.now(), ActorID: u.ID, Actor: u.Email, IP: ip, Action: "sign-in", Target: u.Email, Details: map[string]string{"method": method}})
		return err
	})
}

// VerifyCode completes a two-factor sign-in with a TOTP code or a recovery
// code. Codes are single-use; failures count like wrong passwords.
func (s *Service) VerifyCode(ctx context.Context, userID int64, code, ip string) (news.User, error) {
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return u, err
	}
	if err := s.checkThrottle(ctx, accountKey(u.Email), ipKey(ip)); err != nil {
		return u, err
	}
	if !u.Active() {
		return u, ErrInvalidCredentials
	}
	creds, err := s.Store.Credentials(ctx, u.ID)
	if err != nil {
		return u, err
	}
	code = strings.TrimSpace(code)
	if ok, step := auth.ValidateTOTP(creds.TOTPSecret, code, s.now()); ok {
		fresh, err := s.Store.UseTOTPStep(ctx, u.ID, step)
		if err != nil {
			return u, err
		}
		if fresh {
			return u, s.signedIn(ctx, u, ip, "password+totp")
		}
	} else if i := auth.MatchRecoveryCode(code, creds.RecoveryHashes); i >= 0 {
		used, err := s.Store.UseRecoveryCode(ctx, u.ID, creds.RecoveryHashes, i)
		if err != nil {
			return u, err
		}
		if used {
			return u, s.signedIn(ctx, u, ip, "password+recovery-code")
		}
	}
	return u, errors.Join(ErrInvalidCode, s.recordFailure(ctx, u.Email, ip, "sign-in.failed", "wrong two-factor code"))
}

// ChangePassword sets a new password for a signed-in user after checking
// the current one, and ends every other session of theirs.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next, keepSession string) error {
	creds, err := s.Store.Credentials(ctx, a.User.ID)
	if err != nil {
		return err
	}
	if ok, _, _ := s.Hasher.Verify(current, creds.PasswordHash); !ok {
		return fieldErr("current", "the current password is not right")
	}
	if err := auth.CheckPassword(next, a.User.Email, a.User.Name); err != nil {
		return fieldErr("password", err.Error())
	}
	hash, err := s.Hasher.Hash(next)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, a.User.ID, hash, s.now(), false); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, a.User.ID, keepSession); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.entry(a, "user.password-change", a.User.Email, nil))
		return err
	})
}
