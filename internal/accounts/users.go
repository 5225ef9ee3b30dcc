package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// InviteTTL is how long an invitation or password-reset link works.
const InviteTTL = 72 * time.Hour

// NewUser is what AddUser needs.
type NewUser struct {
	Email    string
	Name     string
	Grants   []news.Grant
	Password string // "" → an invitation link is made instead
}

// AddUser creates a user. Without a password it returns a one-time
// invitation token (the caller turns it into a link) with which the user
// sets their own.
func (s *Service) AddUser(ctx context.Context, a Actor, nu NewUser) (news.User, string, error) {
	if !a.may(news.ActionManageUsers, news.Target{}) {
		return news.User{}, "", ErrForbidden
	}
	email, err := news.NormalizeEmail(nu.Email)
	if err != nil {
		return news.User{}, "", fieldErr("email", err.Error())
	}
	name := strings.TrimSpace(nu.Name)
	if name == "" {
		return news.User{}, "", fieldErr("name", "is empty")
	}
	if !plainText(name) {
		return news.User{}, "", fieldErr("name", "holds control characters or bytes that are not text")
	}
	if err := s.checkGrants(ctx, nu.Grants); err != nil {
		return news.User{}, "", err
	}
	var hash string
	if nu.Password != "" {
		if err := auth.CheckPassword(nu.Password, email, name); err != nil {
			return news.User{}, "", fieldErr("password", err.Error())
		}
		if hash, err = s.Hasher.Hash(nu.Password); err != nil {
			return news.User{}, "", err
		}
	}
	u := news.User{Email: email, Name: name, Status: news.UserActive, Grants: nu.Grants}
	var link string
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		id, err := tx.CreateUser(ctx, u, now)
		if err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fieldErr("email", "a user with this email already exists")
			}
			return err
		}
		u.ID, u.CreatedAt = id, now
		if hash != "" {
			if err := tx.SetPassword(ctx, id, hash, now, false); err != nil {
				return err
			}
		} else {
			plain, linkHash, err := auth.NewLinkToken()
			if err != nil {
				return err
			}
			if err := tx.CreateLink(ctx, store.Link{Hash: linkHash, Purpose: store.LinkInvite, UserID: id, CreatedBy: a.User.ID, CreatedAt: now, ExpiresAt: now.Add(InviteTTL)}); err != nil {
				return err
			}
			link = plain
		}
		_, err = tx.AppendAudit(ctx, s.entry(a, "user.create", email, map[string]string{"name": name, "grants": grantsText(nu.Grants)}))
		return err
	})
	if err != nil {
		return news.User{}, "", err
	}
	if link != "" {
		s.mailLink(ctx, u.Email, u.Name, "/admin/invite", link, false)
	}
	return u, link, nil
}

// checkGrants refuses unknown roles and channels that do not exist.
func (s *Service) checkGrants(ctx context.Context, grants []news.Grant) error {
	v := &news.ValidationError{}
	for i, g := range grants {
		if _, err := news.ParseRole(string(g.Role)); err != nil {
			v.Add(fmt.Sprintf("grants[%d].role", i), "%s", err.Error())
		}
		if g.Channel != "" {
			if !plainText(g.Channel) {
				v.Add(fmt.Sprintf("grants[%d].channel", i), "no channel %q", g.Channel)
			} else if _, err := s.Store.ChannelByPath(ctx, g.Channel); errors.Is(err, news.ErrNotFound) {
				v.Add(fmt.Sprintf("grants[%d].channel", i), "no channel %q", g.Channel)
			} else if err != nil {
				return err
			}
		}
	}
	return v.Err()
}

// SetGrants replaces a user's roles. The last active site administrator
// cannot lose that role, so the site is never left without one.
func (s *Service) SetGrants(ctx context.Context, a Actor, email string, grants []news.Grant) (news.User, error) {
	if !a.may(news.ActionManageUsers, news.Target{}) {
		return news.User{}, ErrForbidden
	}
	if err := s.checkGrants(ctx, grants); err != nil {
		return news.User{}, err
	}
	var u news.User
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email))); err != nil {
			return err
		}
		before := u
		u.Grants = grants
		if before.IsSiteAdministrator() && !u.IsSiteAdministrator() {
			if err := lastAdminGuard(ctx, tx); err != nil {
				return err
			}
		}
		if err := tx.SetGrants(ctx, u.ID, grants); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.entry(a, "user.set-role", u.Email, map[string]string{"before": grantsText(before.Grants), "after": grantsText(grants)}))
		return err
	})
	return u, err
}

// SetStatus enables or disables a user. Disabling ends their sessions and
// makes their tokens useless at once (both check the status on every use).
func (s *Service) SetStatus(ctx context.Context, a Actor, email string, status news.UserStatus) (news.User, error) {
	if !a.may(news.ActionManageUsers, news.Target{}) {
		return news.User{}, ErrForbidden
	}
	var u news.User
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email))); err != nil {
			return err
		}
		if u.Status == status {
			return nil
		}
		if status == news.UserDisabled && u.IsSiteAdministrator() {
			if err := lastAdminGuard(ctx, tx); err != nil {
				return err
			}
		}
		u.Status = status
		if err := tx.UpdateUser(ctx, u, s.now()); err != nil {
			return err
		}
		if status == news.UserDisabled {
			if _, err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(ctx, s.entry(a, "user."+map[news.UserStatus]string{news.UserDisabled: "disable", news.UserActive: "enable"}[status], u.Email, nil))
		return err
	})
	return u, err
}

func lastAdminGuard(ctx context.Context, tx *store.Tx) error {
	n, err := tx.CountActiveAdministrators(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return fieldErr("role", "this is the last active site administrator; make someone else administrator first")
	}
	return nil
}

// Users lists the newsroom.
func (s *Service) Users(ctx context.Context, a Actor) ([]news.User, error) {
	if !a.may(news.ActionManageUsers, news.Target{}) {
		return nil, ErrForbidden
	}
	return s.Store.Users(ctx)
}

// ResetLink makes a one-time password-reset token for a user; older reset
// links of that user stop working.
func (s *Service) ResetLink(ctx context.Context, a Actor, email string) (string, error) {
	if !a.may(news.ActionManageUsers, news.Target{}) {
		return "", ErrForbidden
	}
	var plain string
	var u news.User
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.ExpireLinks(ctx, store.LinkReset, u.ID, now); err != nil {
			return err
		}
		p, hash, err := auth.NewLinkToken()
		if err != nil {
			return err
		}
		if err := tx.CreateLink(ctx, store.Link{Hash: hash, Purpose: store.LinkReset, UserID: u.ID, CreatedBy: a.User.ID, CreatedAt: now, ExpiresAt: now.Add(InviteTTL)}); err != nil {
			return err
		}
		plain = p
		_, err = tx.AppendAudit(ctx, s.entry(a, "user.reset-link", u.Email, nil))
		return err
	})
	if err == nil {
		s.mailLink(ctx, u.Email, u.Name, "/admin/reset", plain, true)
	}
	return plain, err
}

func grantsText(grants []news.Grant) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = g.String()
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// plainText reports whether s is valid UTF-8 without control characters:
// text both databases store as given (PostgreSQL refuses NUL and invalid
// UTF-8) and that prints safely in pages, logs and terminals.
func plainText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

func fieldErr(path, msg string) error {
	return &news.ValidationError{Fields: []news.FieldError{{Path: path, Message: msg}}}
}
