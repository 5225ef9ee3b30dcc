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

// SetupTTL is how long the first-administrator link works.
const SetupTTL = 24 * time.Hour

// NeedsSetup reports whether the site has no active administrator yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.Store.CountActiveAdministrators(ctx)
	return n == 0, err
}

// SetupLink makes a fresh one-time token for creating the first
// administrator, ending any earlier one. It returns "" when the site already
// has an administrator: there is never a default password or open set-up.
func (s *Service) SetupLink(ctx context.Context) (string, error) {
	var plain string
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.CountActiveAdministrators(ctx)
		if err != nil || n > 0 {
			return err
		}
		now := s.now()
		if err := tx.ExpireLinks(ctx, store.LinkSetup, 0, now); err != nil {
			return err
		}
		p, hash, err := auth.NewLinkToken()
		if err != nil {
			return err
		}
		plain = p
		return tx.CreateLink(ctx, store.Link{Hash: hash, Purpose: store.LinkSetup, CreatedAt: now, ExpiresAt: now.Add(SetupTTL)})
	})
	return plain, err
}

// CheckLink reports whether a one-time token is live for purpose, and for
// invitations and resets, whose account it is.
func (s *Service) CheckLink(ctx context.Context, token, purpose string) (news.User, error) {
	l, err := s.Store.LiveLink(ctx, auth.HashLinkToken(token), purpose, s.now())
	if errors.Is(err, news.ErrNotFound) {
		return news.User{}, ErrLinkInvalid
	}
	if err != nil {
		return news.User{}, err
	}
	if l.UserID == 0 {
		return news.User{}, nil
	}
	return s.Store.UserByID(ctx, l.UserID)
}

// CompleteSetup uses the set-up token to create the first administrator.
func (s *Service) CompleteSetup(ctx context.Context, token, email, name, password, ip string) (news.User, error) {
	email, err := news.NormalizeEmail(email)
	if err != nil {
		return news.User{}, fieldErr("email", err.Error())
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return news.User{}, fieldErr("name", "is empty")
	}
	if !plainText(name) {
		return news.User{}, fieldErr("name", "holds control characters or bytes that are not text")
	}
	if err := auth.CheckPassword(password, email, name); err != nil {
		return news.User{}, fieldErr("password", err.Error())
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return news.User{}, err
	}
	u := news.User{Email: email, Name: name, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator}}}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		ok, err := tx.UseLink(ctx, auth.HashLinkToken(token), now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrLinkInvalid
		}
		if n, err := tx.CountActiveAdministrators(ctx); err != nil {
			return err
		} else if n > 0 {
			return ErrLinkInvalid
		}
		if u.ID, err = tx.CreateUser(ctx, u, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fieldErr("email", "a user with this email already exists")
			}
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash, now, false); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, ActorID: u.ID, Actor: email, IP: ip, Action: "setup.first-administrator", Target: email})
		return err
	})
	return u, err
}

// SetPasswordWithLink uses an invitation or reset token to set a password;
// it ends every session of the user.
func (s *Service) SetPasswordWithLink(ctx context.Context, token, purpose, password, ip string) (news.User, error) {
	u, err := s.CheckLink(ctx, token, purpose)
	if err != nil {
		return u, err
	}
	if err := auth.CheckPassword(password, u.Email, u.Name); err != nil {
		return u, fieldErr("password", err.Error())
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return u, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		ok, err := tx.UseLink(ctx, auth.HashLinkToken(token), now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrLinkInvalid
		}
		if err := tx.SetPassword(ctx, u.ID, hash, now, false); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, ActorID: u.ID, Actor: u.Email, IP: ip, Action: "user.password-set", Target: u.Email, Details: map[string]string{"via": purpose}})
		return err
	})
	return u, err
}
