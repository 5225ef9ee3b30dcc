package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// TokenPrefix starts every Newsdesk API token, so secret scanners and people
// recognise one when it leaks.
const TokenPrefix = "nd"

// Scopes an API token can carry.
var Scopes = []string{"read", "write", "publish", "admin"}

// NewToken is what CreateToken needs.
type NewToken struct {
	Email   string // whose token; the actor's own when empty
	Name    string
	Scopes  []string
	Expires time.Duration // 0: never
}

// CreateToken makes a personal API token and returns it in full, once.
// Users make their own; administrators may make them for others.
func (s *Service) CreateToken(ctx context.Context, a Actor, nt NewToken) (store.APIToken, string, error) {
	owner := a.User
	if nt.Email != "" && !strings.EqualFold(nt.Email, a.User.Email) {
		if !a.may(news.ActionManageUsers, news.Target{}) {
			return store.APIToken{}, "", ErrForbidden
		}
		u, err := s.Store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(nt.Email)))
		if err != nil {
			return store.APIToken{}, "", err
		}
		owner = u
	}
	if owner.ID == 0 {
		return store.APIToken{}, "", fieldErr("email", "no user given")
	}
	name := strings.TrimSpace(nt.Name)
	if name == "" {
		return store.APIToken{}, "", fieldErr("name", "give the token a name that says where it is used")
	}
	if !plainText(name) {
		return store.APIToken{}, "", fieldErr("name", "holds control characters or bytes that are not text")
	}
	scopes := nt.Scopes
	if len(scopes) == 0 {
		scopes = []string{"read"}
	}
	for i, sc := range scopes {
		if !contains(Scopes, sc) {
			return store.APIToken{}, "", fieldErr(fmt.Sprintf("scopes[%d]", i), fmt.Sprintf("unknown scope %q (known: %s)", sc, strings.Join(Scopes, ", ")))
		}
	}
	if nt.Expires < 0 {
		return store.APIToken{}, "", fieldErr("expires", "must be positive")
	}
	tok, plain, err := auth.NewToken(TokenPrefix)
	if err != nil {
		return store.APIToken{}, "", err
	}
	now := s.now()
	t := store.APIToken{ID: tok.ID, UserID: owner.ID, Name: name, SecretHash: tok.Hash, Scopes: scopes, CreatedAt: now}
	if nt.Expires > 0 {
		t.ExpiresAt = now.Add(nt.Expires)
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.entry(a, "token.create", owner.Email, map[string]string{"token": t.ID, "name": name, "scopes": strings.Join(scopes, ",")}))
		return err
	})
	return t, plain, err
}

// ErrBadToken is the one answer to any token that does not authenticate.
var ErrBadToken = errors.New("the API token is not valid, expired or revoked")

// Authenticate checks a bearer token and returns its owner and the token.
func (s *Service) Authenticate(ctx context.Context, plain string) (news.User, store.APIToken, error) {
	id, secret, err := auth.ParseToken(TokenPrefix, plain)
	if err != nil {
		return news.User{}, store.APIToken{}, ErrBadToken
	}
	t, err := s.Store.TokenByID(ctx, id)
	if errors.Is(err, news.ErrNotFound) {
		return news.User{}, store.APIToken{}, ErrBadToken
	}
	if err != nil {
		return news.User{}, store.APIToken{}, err
	}
	now := s.now()
	if !auth.EqualHash(auth.HashSecret(secret), t.SecretHash) || !t.Usable(now) {
		return news.User{}, store.APIToken{}, ErrBadToken
	}
	u, err := s.Store.UserByID(ctx, t.UserID)
	if err != nil {
		return news.User{}, store.APIToken{}, err
	}
	if !u.Active() {
		return news.User{}, store.APIToken{}, ErrBadToken
	}
	if t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt) > time.Minute {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			s.Log.Warn("token last-used", "token", t.ID, "err", err)
		}
	}
	return u, t, nil
}

// RevokeToken revokes one of the actor's tokens.
func (s *Service) RevokeToken(ctx context.Context, a Actor, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeToken(ctx, a.User.ID, id, s.now()); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.entry(a, "token.revoke", a.User.Email, map[string]string{"token": id}))
		return err
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
