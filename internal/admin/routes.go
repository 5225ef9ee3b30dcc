package admin

import (
	"net/http"

	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

// routes is the newsroom's table of contents.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(fn web.HandlerFunc) http.Handler { return web.Adapt(fn, s.handleError) }
	post := func(fn web.HandlerFunc) http.Handler { return h(s.checkForm(fn)) }
	user := s.requireUser

	mux.Handle("GET /admin/static/", s.assets)

	// Signing in and out, first set-up, invitations and resets.
	mux.Handle("GET /admin/login", h(s.loginForm))
	mux.Handle("POST /admin/login", post(s.login))
	mux.Handle("GET /admin/login/code", h(s.codeForm))
	mux.Handle("POST /admin/login/code", post(s.code))
	mux.Handle("POST /admin/logout", post(s.logout))
	mux.Handle("GET /admin/setup", h(s.setupForm))
	mux.Handle("POST /admin/setup", post(s.setup))
	mux.Handle("GET /admin/invite", h(s.linkForm(linkInvite)))
	mux.Handle("POST /admin/invite", post(s.linkSubmit(linkInvite)))
	mux.Handle("GET /admin/reset", h(s.linkForm(linkReset)))
	mux.Handle("POST /admin/reset", post(s.linkSubmit(linkReset)))
	mux.Handle("GET /admin/lang/{lang}", h(s.setLang))

	// The dashboard and the user's own account.
	mux.Handle("GET /admin/{$}", h(user(s.dashboard)))
	mux.Handle("GET /admin/account", h(user(s.account)))
	mux.Handle("POST /admin/account/password", post(user(s.changePassword)))
	mux.Handle("POST /admin/account/2fa/begin", post(user(s.beginTOTP)))
	mux.Handle("POST /admin/account/2fa/confirm", post(user(s.confirmTOTP)))
	mux.Handle("POST /admin/account/2fa/remove", post(user(s.removeTOTP)))
	mux.Handle("POST /admin/account/sessions/revoke", post(user(s.revokeSession)))
	mux.Handle("POST /admin/account/tokens", post(user(s.createToken)))
	mux.Handle("POST /admin/account/tokens/revoke", post(user(s.revokeToken)))

	// Site administration.
	s.manageRoutes(mux, h, post)

	// Wire sources and the safe fetcher's allow-list.
	s.wireRoutes(mux, h, post)

	// Articles: the editor, the workflow, previews and revisions.
	s.articleRoutes(mux, h, post)

	// The media library: uploads, alt text, captions, the editor's picker.
	s.mediaRoutes(mux, h, post)

	mux.Handle("/admin/", h(func(w http.ResponseWriter, r *http.Request) error { return news.ErrNotFound }))

	protect := http.NewCrossOriginProtection()
	protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.handleError(w, r, &web.StatusError{Status: http.StatusForbidden, Err: errCrossOrigin})
	}))
	return s.secureCookies(s.sessions.LoadAndSave(protect.Handler(noStore(mux))))
}

// noStore keeps newsroom pages out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		next.ServeHTTP(w, r)
	})
}
