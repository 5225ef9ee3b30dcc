package admin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

type ctxKey int

const userKey ctxKey = iota

// userOf returns the signed-in user that requireUser put on the request.
func userOf(r *http.Request) news.User {
	u, _ := r.Context().Value(userKey).(news.User)
	return u
}

// requireUser lets a request through only with a live session of an active
// user, loaded fresh on every request: a user disabled a moment ago is out
// at their next click. Others are sent to sign in and brought back after.
func (s *Server) requireUser(next web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, keyUserID)
		if id != 0 {
			u, err := s.store.UserByID(ctx, id)
			if err != nil && !errors.Is(err, news.ErrNotFound) {
				return err
			}
			if err == nil && u.Active() {
				if stale, err := s.signedInBeforePasswordChange(r, u.ID); err != nil {
					return err
				} else if stale {
					// A request that was in flight during a password change
					// may have written this session back; it still ends here.
					if err := s.sessions.Destroy(ctx); err != nil {
						return err
					}
					return s.signedOut(w, r)
				}
				r = r.WithContext(context.WithValue(ctx, userKey, u))
				if !enrolmentPath(r.URL.Path) {
					if _, must, err := s.mustEnrol(r, u); err != nil {
						return err
					} else if must {
						// The site requires two-factor for this role: nothing
						// else until it is on.
						if wantsJSON(r) {
							return writeJSON(w, http.StatusForbidden, map[string]string{"error": "two-factor sign-in required"})
						}
						http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
						return nil
					}
				}
				return next(w, r)
			}
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
		}
		if r.Method == http.MethodGet {
			s.sessions.Put(ctx, keyNext, r.URL.RequestURI())
		}
		return s.signedOut(w, r)
	}
}

// signedOut sends a person without a live session to sign in; the editor's
// script gets 401 instead, and keeps the unsaved text until they have.
func (s *Server) signedOut(w http.ResponseWriter, r *http.Request) error {
	if wantsJSON(r) {
		return writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "signed out"})
	}
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	return nil
}

// requireSiteAdmin allows only site-wide administrators.
func (s *Server) allow(action news.Action, next web.HandlerFunc) web.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		if !userOf(r).May(action, news.Target{}) && !(action == news.ActionManageChannels && hasAdminGrant(userOf(r))) {
			return errForbidden
		}
		return next(w, r)
	})
}

// hasAdminGrant reports an administrator grant on any subtree: channel
// pages then limit what they show to the subtrees granted.
func hasAdminGrant(u news.User) bool {
	for _, g := range u.Grants {
		if g.Role == news.RoleAdministrator {
			return u.Active()
		}
	}
	return false
}

var errForbidden = &web.StatusError{Status: http.StatusForbidden, Err: errors.New("forbidden")}

// csrfToken returns the session's form token, making one on first use.
func (s *Server) csrfToken(ctx context.Context) string {
	if t := s.sessions.GetString(ctx, keyCSRF); t != "" {
		return t
	}
	b := make([]byte, 32)
	rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	s.sessions.Put(ctx, keyCSRF, t)
	return t
}

// checkForm parses a POST form and checks its token against the session's.
// Cross-origin requests were already refused by http.CrossOriginProtection;
// the token also stops same-site forgery and replay from another session.
func (s *Server) checkForm(next web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			return web.BadRequest(err)
		}
		want := s.sessions.GetString(r.Context(), keyCSRF)
		got := r.PostForm.Get("csrf")
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return &web.StatusError{Status: http.StatusForbidden, Err: errors.New("form token missing or wrong: reload the page and try again")}
		}
		return next(w, r)
	}
}

// safeNext keeps post-sign-in redirects inside the newsroom.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || len(next) < 7 || next[:7] != "/admin/" || (len(next) > 1 && next[1] == '/') {
		return "/admin/"
	}
	return next
}

// enrolmentPath lists what a user who must turn on two-factor may still reach.
func enrolmentPath(p string) bool {
	return p == "/admin/account" || strings.HasPrefix(p, "/admin/account/2fa/")
}

// signedInBeforePasswordChange reports whether this session began before the
// user's password last changed: such sessions are over.
func (s *Server) signedInBeforePasswordChange(r *http.Request, userID int64) (bool, error) {
	signedIn := time.Unix(0, s.sessions.GetInt64(r.Context(), keySignedIn))
	creds, err := s.store.Credentials(r.Context(), userID)
	if err != nil {
		return false, err
	}
	return !creds.PasswordChangedAt.IsZero() && signedIn.Before(creds.PasswordChangedAt.Truncate(time.Second)), nil
}
