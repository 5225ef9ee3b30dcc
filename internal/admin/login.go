package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsdesk/internal/accounts"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

func (s *Server) clientIP(r *http.Request) string { return web.ClientIP(r, s.trusted) }

func (s *Server) fromTrustedProxy(r *http.Request) bool {
	return web.ClientIP(r, s.trusted) != web.ClientIP(r, nil)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if s.sessions.GetInt64(r.Context(), keyUserID) != 0 {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return nil
	}
	if need, err := s.accounts.NeedsSetup(r.Context()); err != nil {
		return err
	} else if need {
		s.log.Info("sign-in asked for before set-up: use the /admin/setup link printed by `newsdesk serve`")
	}
	return s.show(w, http.StatusOK, "login", s.newPage(r, "login"))
}

// login checks email and password. Unknown email, wrong password and
// disabled account look the same from outside; the service spends the same
// time on each.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	res, err := s.accounts.SignIn(ctx, r.PostForm.Get("email"), r.PostForm.Get("password"), s.clientIP(r))
	if err != nil {
		p := s.newPage(r, "login")
		var te *accounts.ThrottledError
		switch {
		case errors.As(err, &te):
			w.Header().Set("Retry-After", retryAfter(te))
			p.Errors["_"] = p.L["throttled"] + " (" + te.RetryAfter.Round(1e9).String() + ")"
			return s.show(w, http.StatusTooManyRequests, "login", p)
		case errors.Is(err, accounts.ErrInvalidCredentials):
			p.Errors["_"] = credentialsText(p.Lang)
			return s.show(w, http.StatusUnauthorized, "login", p)
		}
		return err
	}
	// A new token on every change of privilege stops session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	if res.NeedsCode {
		s.sessions.Put(ctx, keyPending, res.User.ID)
		http.Redirect(w, r, "/admin/login/code", http.StatusSeeOther)
		return nil
	}
	return s.startSession(w, r, res.User.ID)
}

func credentialsText(lang string) string {
	if lang == "zh" {
		return "电子邮箱或密码不正确。"
	}
	return "The email or password is not right."
}

func retryAfter(te *accounts.ThrottledError) string {
	return strconv.Itoa(int(te.RetryAfter.Seconds()) + 1)
}

// startSession signs the user in on this session and sends them on.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, keyPending)
	s.sessions.Put(ctx, keyUserID, userID)
	s.sessions.Put(ctx, keySignedIn, s.now().UnixNano())
	s.sessions.Put(ctx, keyIP, s.clientIP(r))
	s.sessions.Put(ctx, keyUA, browserName(r.UserAgent()))
	s.sessions.Remove(ctx, keyCSRF) // a fresh form token for the signed-in session
	next := safeNext(s.sessions.PopString(ctx, keyNext))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// browserName is the User-Agent as the sessions page lists it: at most 200
// bytes of text. The header holds whatever the client sent, and the
// sessions table stores it as text, which PostgreSQL refuses to hold when
// it is not UTF-8 or has a NUL, cut mid-character or not.
func browserName(ua string) string {
	ua = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, ua)
	for len(ua) > 200 {
		_, size := utf8.DecodeLastRuneInString(ua)
		ua = ua[:len(ua)-size]
	}
	return ua
}

func (s *Server) codeForm(w http.ResponseWriter, r *http.Request) error {
	if s.sessions.GetInt64(r.Context(), keyPending) == 0 {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	return s.show(w, http.StatusOK, "code", s.newPage(r, "code_title"))
}

func (s *Server) code(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, keyPending)
	if id == 0 {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return nil
	}
	u, err := s.accounts.VerifyCode(ctx, id, r.PostForm.Get("code"), s.clientIP(r))
	if err != nil {
		p := s.newPage(r, "code_title")
		var te *accounts.ThrottledError
		switch {
		case errors.As(err, &te):
			w.Header().Set("Retry-After", retryAfter(te))
			p.Errors["_"] = p.L["throttled"]
			return s.show(w, http.StatusTooManyRequests, "code", p)
		case errors.Is(err, accounts.ErrInvalidCode), errors.Is(err, accounts.ErrInvalidCredentials):
			p.Errors["code"] = codeText(p.Lang)
			return s.show(w, http.StatusUnauthorized, "code", p)
		}
		return err
	}
	return s.startSession(w, r, u.ID)
}

func codeText(lang string) string {
	if lang == "zh" {
		return "验证码不正确或已被使用。"
	}
	return "The code is not right or was already used."
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if id := s.sessions.GetInt64(ctx, keyUserID); id != 0 {
		if u, err := s.store.UserByID(ctx, id); err == nil {
			_ = s.store.Audit(ctx, store.AuditEntry{At: s.now(), ActorID: u.ID, Actor: u.Email, IP: s.clientIP(r), Action: "sign-out", Target: u.Email})
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
	return nil
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(r, "setup")
	token := r.URL.Query().Get("token")
	if _, err := s.accounts.CheckLink(r.Context(), token, store.LinkSetup); err == nil {
		p.Data = token
		return s.show(w, http.StatusOK, "setup", p)
	} else if !errors.Is(err, accounts.ErrLinkInvalid) {
		return err
	}
	return s.show(w, http.StatusNotFound, "setup", p)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	u, err := s.accounts.CompleteSetup(r.Context(), f.Get("token"), f.Get("email"), f.Get("name"), f.Get("password"), s.clientIP(r))
	if errors.Is(err, accounts.ErrLinkInvalid) {
		return s.show(w, http.StatusNotFound, "setup", s.newPage(r, "setup"))
	}
	if err != nil {
		p := s.newPage(r, "setup")
		p.Data = f.Get("token")
		return s.invalid(w, "setup", p, err)
	}
	return s.startSession(w, r, u.ID)
}

type linkKind struct{ purpose, action string }

var (
	linkInvite = linkKind{store.LinkInvite, "/admin/invite"}
	linkReset  = linkKind{store.LinkReset, "/admin/reset"}
)

type linkData struct{ Action, Token, Email string }

func (s *Server) linkForm(k linkKind) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := s.newPage(r, "setpassword")
		token := r.URL.Query().Get("token")
		u, err := s.accounts.CheckLink(r.Context(), token, k.purpose)
		if errors.Is(err, accounts.ErrLinkInvalid) {
			return s.show(w, http.StatusNotFound, "setpassword", p)
		}
		if err != nil {
			return err
		}
		p.Data = linkData{Action: k.action, Token: token, Email: u.Email}
		return s.show(w, http.StatusOK, "setpassword", p)
	}
}

func (s *Server) linkSubmit(k linkKind) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := r.PostForm.Get("token")
		u, err := s.accounts.SetPasswordWithLink(r.Context(), token, k.purpose, r.PostForm.Get("password"), s.clientIP(r))
		if errors.Is(err, accounts.ErrLinkInvalid) {
			return s.show(w, http.StatusNotFound, "setpassword", s.newPage(r, "setpassword"))
		}
		if err != nil {
			p := s.newPage(r, "setpassword")
			p.Data = linkData{Action: k.action, Token: token, Email: u.Email}
			return s.invalid(w, "setpassword", p, err)
		}
		return s.startSession(w, r, u.ID)
	}
}
