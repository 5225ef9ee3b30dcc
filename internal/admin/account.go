package admin

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// accountData is what account.html shows.
type accountData struct {
	HasTOTP, Required, MustEnrol bool
	Enrolment                    *accounts.Enrolment
	QR                           template.URL
	Recovery                     []string
	Sessions                     []store.Session
	Current                      string // this session's token hash
	Tokens                       []store.APIToken
	NewToken                     string
	AllScopes                    []string
}

// mustEnrol reports whether the site obliges u to turn on two-factor
// sign-in and u has not yet.
func (s *Server) mustEnrol(r *http.Request, u news.User) (required, must bool, err error) {
	site, err := s.store.Site(r.Context())
	if err != nil {
		return false, false, err
	}
	required = accounts.TwoFactorRequired(site.RequireTwoFactor, u)
	if !required {
		return false, false, nil
	}
	has, err := s.accounts.HasTOTP(r.Context(), u.ID)
	return true, !has, err
}

func (s *Server) accountPage(r *http.Request) (*page, *accountData, error) {
	ctx := r.Context()
	u := userOf(r)
	p := s.newPage(r, "account_title")
	d := &accountData{Current: hashToken(s.sessions.Token(ctx)), AllScopes: accounts.Scopes}
	var err error
	if d.HasTOTP, err = s.accounts.HasTOTP(ctx, u.ID); err != nil {
		return nil, nil, err
	}
	if d.Required, d.MustEnrol, err = s.mustEnrol(r, u); err != nil {
		return nil, nil, err
	}
	if d.Sessions, err = s.store.UserSessions(ctx, u.ID, s.now()); err != nil {
		return nil, nil, err
	}
	if d.Tokens, err = s.store.UserTokens(ctx, u.ID); err != nil {
		return nil, nil, err
	}
	if secret := s.sessions.GetString(ctx, keyTOTP); secret != "" && !d.HasTOTP {
		if err := s.offerTOTP(r, d, secret); err != nil {
			return nil, nil, err
		}
	}
	p.Data = d
	return p, d, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.accountPage(r)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := s.actor(r)
	err := s.accounts.ChangePassword(ctx, a, r.PostForm.Get("current"), r.PostForm.Get("password"), hashToken(s.sessions.Token(ctx)))
	if err != nil {
		p, _, perr := s.accountPage(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "account", p, err)
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	// This session stays; it counts as signed in after the change.
	s.sessions.Put(ctx, keySignedIn, s.now().Add(time.Second).UnixNano())
	return s.flashRedirect(w, r, labels[s.lang(r)]["password_changed"], "/admin/account")
}

// beginTOTP offers a new secret; it is kept in the session until confirmed.
func (s *Server) beginTOTP(w http.ResponseWriter, r *http.Request) error {
	e, err := s.accounts.BeginTOTP(s.actor(r))
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), keyTOTP, e.Secret)
	http.Redirect(w, r, "/admin/account#tf-h", http.StatusSeeOther)
	return nil
}

// offerTOTP redraws the QR code of the secret being enrolled.
func (s *Server) offerTOTP(r *http.Request, d *accountData, secret string) error {
	e, err := s.accounts.OfferTOTP(s.actor(r), secret)
	if err != nil {
		return err
	}
	d.Enrolment = &e
	// The QR code is drawn here and inlined, so no request leaves the site.
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG))
	return nil
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	secret := s.sessions.GetString(ctx, keyTOTP)
	if secret == "" {
		http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
		return nil
	}
	codes, err := s.accounts.ConfirmTOTP(ctx, s.actor(r), secret, r.PostForm.Get("code"))
	if err != nil {
		p, _, perr := s.accountPage(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "account", p, err)
	}
	s.sessions.Remove(ctx, keyTOTP)
	p, d, err := s.accountPage(r)
	if err != nil {
		return err
	}
	d.Recovery = codes
	p.Flash = p.L["twofactor_enabled"]
	return s.show(w, http.StatusOK, "account", p)
}

func (s *Server) removeTOTP(w http.ResponseWriter, r *http.Request) error {
	required, _, err := s.mustEnrol(r, userOf(r))
	if err != nil {
		return err
	}
	if err := s.accounts.DisableTOTP(r.Context(), s.actor(r), r.PostForm.Get("password"), required); err != nil {
		p, _, perr := s.accountPage(r)
		if perr != nil {
			return perr
		}
		var v *news.ValidationError
		if errors.As(err, &v) {
			p.Errors["remove"] = v.Error()
			return s.show(w, http.StatusUnprocessableEntity, "account", p)
		}
		return err
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["twofactor_removed"], "/admin/account")
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	ok, err := s.store.DeleteUserSession(r.Context(), u.ID, r.PostForm.Get("session"))
	if err != nil {
		return err
	}
	if !ok {
		return news.ErrNotFound
	}
	if err := s.store.Audit(r.Context(), store.AuditEntry{At: s.now(), ActorID: u.ID, Actor: u.Email, IP: s.clientIP(r), Action: "session.revoke", Target: u.Email}); err != nil {
		return err
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["session_revoked"], "/admin/account#sess-h")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	nt := accounts.NewToken{Name: f.Get("name"), Scopes: f["scope"]}
	if days := strings.TrimSpace(f.Get("days")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3650 {
			p, _, perr := s.accountPage(r)
			if perr != nil {
				return perr
			}
			p.Errors["_"] = "expires: 1-3650 days"
			return s.show(w, http.StatusUnprocessableEntity, "account", p)
		}
		nt.Expires = time.Duration(n) * 24 * time.Hour
	}
	_, plain, err := s.accounts.CreateToken(r.Context(), s.actor(r), nt)
	p, d, perr := s.accountPage(r)
	if perr != nil {
		return perr
	}
	if err != nil {
		return s.invalid(w, "account", p, err)
	}
	d.NewToken = plain
	return s.show(w, http.StatusOK, "account", p)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.RevokeToken(r.Context(), s.actor(r), r.PostForm.Get("token")); err != nil {
		return err
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["token_revoked"], "/admin/account#tok-h")
}

// actor is the signed-in user as the accounts service sees them.
func (s *Server) actor(r *http.Request) accounts.Actor {
	return accounts.Actor{User: userOf(r), IP: s.clientIP(r)}
}
