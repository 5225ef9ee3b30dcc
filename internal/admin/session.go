package admin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"newsdesk/internal/store"
)

// Session keys.
const (
	keyUserID   = "user_id"   // signed-in user
	keyPending  = "pending"   // user who gave the password but not yet the code
	keyCSRF     = "csrf"      // the per-session form token
	keyIP       = "ip"        // address at sign-in, for the sessions page
	keyUA       = "ua"        // browser at sign-in
	keyFlash    = "flash"     // one-time message for the next page
	keyTOTP     = "totp"      // secret offered during enrolment
	keyLang     = "lang"      // chosen interface language
	keyNext     = "next"      // where to go after sign-in
	keySignedIn = "signed_in" // when this session signed in
)

// sessionStore keeps scs sessions in our database. scs hashes tokens before
// they reach it (HashTokenInStore), so the table never holds a usable token.
// It reads the user id out of the session data so the sessions page can list
// and revoke a user's sessions and a password change can end them all.
type sessionStore struct {
	store *store.Store
	codec scs.Codec
	now   func() time.Time
}

func (st *sessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}
func (st *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}
func (st *sessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

func (st *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return st.store.SessionData(ctx, token, st.now())
}

func (st *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	sess := store.Session{TokenHash: token, Expiry: expiry, LastSeen: st.now()}
	if _, values, err := st.codec.Decode(b); err == nil {
		if id, ok := values[keyUserID].(int64); ok {
			sess.UserID = id
		}
		sess.IP, _ = values[keyIP].(string)
		sess.UserAgent, _ = values[keyUA].(string)
	}
	return st.store.SaveSession(ctx, sess, b)
}

func (st *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return st.store.DeleteSession(ctx, token)
}

func newSessionManager(s *store.Store, idle, lifetime time.Duration, now func() time.Time) *scs.SessionManager {
	sm := scs.New()
	sm.IdleTimeout = idle
	sm.Lifetime = lifetime
	sm.HashTokenInStore = true
	sm.Cookie.Name = "newsdesk_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/admin/"
	sm.Cookie.Persist = false
	sm.Store = &sessionStore{store: s, codec: sm.Codec, now: now}
	return sm
}

// secureCookies marks cookies Secure when the request came over TLS, directly
// or through a trusted proxy that says so.
func (s *Server) secureCookies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.isHTTPS(r) {
			w = &secureWriter{ResponseWriter: w}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

type secureWriter struct {
	http.ResponseWriter
	done bool
}

func (sw *secureWriter) fix() {
	if sw.done {
		return
	}
	sw.done = true
	h := sw.ResponseWriter.Header()
	cookies := h.Values("Set-Cookie")
	for i, c := range cookies {
		if !strings.Contains(strings.ToLower(c), "; secure") {
			cookies[i] = c + "; Secure"
		}
	}
}

func (sw *secureWriter) WriteHeader(code int) { sw.fix(); sw.ResponseWriter.WriteHeader(code) }
func (sw *secureWriter) Write(b []byte) (int, error) {
	sw.fix()
	return sw.ResponseWriter.Write(b)
}
func (sw *secureWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// hashToken is how scs names a session in the store (HashTokenInStore), so
// the sessions page can tell which row is the current session.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
