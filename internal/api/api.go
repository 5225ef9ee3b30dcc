package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Server is the API as an http.Handler mounted at /api/v1/.
type Server struct {
	accounts *accounts.Service
	log      *slog.Logger
	mux      *http.ServeMux
	routes   []route
}

// route is one documented operation; the OpenAPI document is built from
// this list, so it cannot drift from what is served.
type route struct {
	method, path, summary, scope string
	responses                    map[string]string // status → description
	handler                      handlerFunc
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c caller) error

// caller is who a request authenticated as.
type caller struct {
	user  news.User
	token store.APIToken
}

// New builds the API.
func New(acc *accounts.Service, log *slog.Logger) *Server {
	s := &Server{accounts: acc, log: log, mux: http.NewServeMux()}
	s.add(route{method: "GET", path: "/api/v1/me", summary: "The token's owner, roles and scopes", scope: "read",
		responses: map[string]string{"200": "the caller", "401": "no valid token"}, handler: s.me})
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "Not Found", "no such API route: "+r.Method+" "+r.URL.Path)
	})
	return s
}

func (s *Server) add(rt route) {
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(r.Context(), r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if rt.scope != "" && !slices.Contains(c.token.Scopes, rt.scope) && !slices.Contains(c.token.Scopes, "admin") {
			writeProblem(w, http.StatusForbidden, "Forbidden", "this token lacks the "+rt.scope+" scope")
			return
		}
		if err := rt.handler(w, r, c); err != nil {
			s.fail(w, r, err)
		}
	})
}

// ServeHTTP serves /api/...
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

var errNoToken = errors.New("send an API token as `Authorization: Bearer nd_...`")

// authenticate reads the bearer token. Cookies are ignored on purpose.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (caller, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return caller{}, errNoToken
	}
	u, t, err := s.accounts.Authenticate(ctx, strings.TrimSpace(tok))
	if err != nil {
		return caller{}, err
	}
	return caller{user: u, token: t}, nil
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errNoToken), errors.Is(err, accounts.ErrBadToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsdesk"`)
		writeProblem(w, http.StatusUnauthorized, "Unauthorized", err.Error())
	case errors.Is(err, accounts.ErrForbidden):
		writeProblem(w, http.StatusForbidden, "Forbidden", err.Error())
	case errors.Is(err, news.ErrNotFound):
		writeProblem(w, http.StatusNotFound, "Not Found", err.Error())
	default:
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, http.StatusInternalServerError, "Internal Server Error", "the request failed; it has been logged")
	}
}

// problem is an RFC 9457 problem details document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// meResponse is GET /api/v1/me.
type meResponse struct {
	Email string     `json:"email"`
	Name  string     `json:"name"`
	Roles []roleJSON `json:"roles"`
	Token tokenJSON  `json:"token"`
}

type roleJSON struct {
	Role    string `json:"role"`
	Channel string `json:"channel,omitempty"`
}

type tokenJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, c caller) error {
	res := meResponse{Email: c.user.Email, Name: c.user.Name, Roles: []roleJSON{},
		Token: tokenJSON{ID: c.token.ID, Name: c.token.Name, Scopes: c.token.Scopes}}
	for _, g := range c.user.Grants {
		res.Roles = append(res.Roles, roleJSON{Role: string(g.Role), Channel: g.Channel})
	}
	if !c.token.ExpiresAt.IsZero() {
		t := c.token.ExpiresAt
		res.Token.ExpiresAt = &t
	}
	return writeJSON(w, http.StatusOK, res)
}
