package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/editorial"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/search"
	"newsdesk/internal/store"
)

// Server is the API as an http.Handler mounted at /api/v1/.
type Server struct {
	accounts *accounts.Service
	ed       *editorial.Service
	media    *media.Service
	log      *slog.Logger
	mux      *http.ServeMux
	routes   []route
	// BaseURL (scheme and host) starts the public URLs and tag: URIs of
	// ninjs documents; "" takes the request's host.
	BaseURL string
	search  *search.Index
}

// route is one documented operation; the OpenAPI document is built from
// this list, so it cannot drift from what is served.
type route struct {
	method, path, summary, scope string
	// public routes take no token (the search, which shows only what
	// readers may see anyway).
	public bool
	query  []param // query parameters; path ones come from the path
	// request and response name the schemas (see schemas) of the JSON body
	// sent and of the success response; "" for none.
	request, response string
	// requestType is the request body's media type: "" for JSON.
	requestType string
	responses   map[string]string // status → description
	handler     handlerFunc
	// ninjs routes also answer in IPTC ninjs (?format=ninjs or Accept:
	// application/ninjs+json), to anyone for articles readers may see.
	ninjs bool
}

// param is one documented query parameter.
type param struct {
	name, typ, description string
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c caller) error

// caller is who a request authenticated as.
type caller struct {
	user  news.User
	token store.APIToken
}

// New builds the API. Article work goes through ed, which holds the
// newsroom's rules; the API only translates. lib is the media library;
// without it (nil) the media routes do not exist. opts add the rest
// (WithSearch).
func New(acc *accounts.Service, ed *editorial.Service, log *slog.Logger, lib *media.Service, opts ...Option) *Server {
	s := &Server{accounts: acc, ed: ed, media: lib, log: log, mux: http.NewServeMux()}
	for _, o := range opts {
		o(s)
	}
	s.addRoutes()
	s.addMediaRoutes()
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "Not Found", "no such API route: "+r.Method+" "+r.URL.Path)
	})
	return s
}

// addRoutes registers every operation: the table of contents of the API.
func (s *Server) addRoutes() {
	s.add(route{method: "GET", path: "/api/v1/me", summary: "The token's owner, roles and scopes", scope: "read",
		response: "Me", responses: map[string]string{"200": "the caller", "401": "no valid token", "403": "the token lacks the scope"}, handler: s.me})

	// Channels, for choosing where an article goes.
	s.add(route{method: "GET", path: "/api/v1/channels", summary: "The channel tree, with what the caller may do in each channel", scope: "read",
		response: "ChannelList", responses: map[string]string{"200": "every channel, parents before children", "401": "no valid token", "403": "the token lacks the scope"},
		handler: s.listChannels})

	// Articles: the newsroom's view, in every status.
	s.add(route{method: "GET", path: "/api/v1/articles", summary: "Articles the caller may edit, most recently updated first", scope: "read",
		query: []param{
			{"status", "string", "only articles in this workflow status (draft, in-review, approved, scheduled, published, unpublished, retracted, ...)"},
			{"channel", "string", "only articles in this channel path and below"},
			{"language", "string", "only articles in this language (en, zh)"},
			{"limit", "integer", "at most this many, 1 to 200 (default 50)"},
			{"offset", "integer", "skip this many (default 0)"},
		},
		response: "ArticleList", responses: map[string]string{"200": "one page of articles (without bodies) and the total", "401": "no valid token",
			"403": "the token lacks the scope", "422": "a filter is not valid"},
		handler: s.listArticles})
	s.add(route{method: "POST", path: "/api/v1/articles", summary: "Write a new draft", scope: "write",
		request: "ArticleDraft", response: "Article", responses: map[string]string{"201": "the draft; Location names it", "400": "the body is not JSON",
			"401": "no valid token", "403": "the token lacks the scope, or the caller may not write in the channel", "422": "fields are missing or invalid"},
		handler: s.createArticle})
	s.add(route{method: "GET", path: "/api/v1/articles/{id}", summary: "One article with its body; in IPTC ninjs 2.1 with ?format=ninjs or Accept: application/ninjs+json, which needs no token for articles readers may see", scope: "read",
		query:    []param{{"format", "string", "json (the default) or ninjs: an IPTC ninjs 2.1 document, as application/ninjs+json. Without a token, or with one that may not edit the article, only articles readers may see are served (404 otherwise)"}},
		response: "Article", responses: map[string]string{"200": "the article", "400": "format is neither json nor ninjs", "401": "no valid token",
			"403": "the token lacks the scope, or the caller may not edit the article", "404": "no such article"},
		handler: s.getArticle, ninjs: true})
	s.add(route{method: "PUT", path: "/api/v1/articles/{id}", summary: "Replace every editable field (optimistic locking by version)", scope: "write",
		request: "ArticleReplace", response: "Article", responses: map[string]string{"200": "the saved article, at its new version", "400": "the body is not JSON",
			"401": "no valid token", "403": "the token lacks the scope, or the caller may not edit the article", "404": "no such article",
			"409": "someone saved since the given version; nothing was overwritten", "422": "fields are missing or invalid"},
		handler: s.replaceArticle})
	s.add(route{method: "PATCH", path: "/api/v1/articles/{id}", summary: "Change the fields given (optimistic locking by version)", scope: "write",
		request: "ArticlePatch", response: "Article", responses: map[string]string{"200": "the saved article, at its new version", "400": "the body is not JSON",
			"401": "no valid token", "403": "the token lacks the scope, or the caller may not edit the article", "404": "no such article",
			"409": "someone saved since the given version; nothing was overwritten", "422": "fields are invalid"},
		handler: s.patchArticle})
	s.add(route{method: "POST", path: "/api/v1/articles/{id}/transitions", summary: "Move an article along the workflow: submit, approve, reject, publish, schedule, unpublish, retract, correct", scope: "publish",
		request: "Transition", response: "Article", responses: map[string]string{"200": "the article after the step", "400": "the body is not JSON",
			"401": "no valid token", "403": "the token lacks the scope, or the caller's role does not allow the step", "404": "no such article",
			"409": "the workflow refuses the step from the article's current status", "422": "the transition or time is not valid"},
		handler: s.transition})

	s.add(route{method: "GET", path: "/api/v1/articles/search", summary: "Search the articles the caller may edit, in every status", scope: "read",
		query:    append(append([]param(nil), searchParams...), param{"status", "string", "only these workflow statuses (comma-separated or repeated)"}),
		response: "NewsroomSearchResults", responses: map[string]string{"200": "one page of results", "401": "no valid token",
			"403": "the token lacks the scope", "422": "a parameter is not valid", "503": "this server has no search index"},
		handler: s.searchNewsroom})

	// Search: public, what readers may see.
	s.add(route{method: "GET", path: "/api/v1/search", summary: "Search the articles readers may see, in English and Chinese", public: true,
		query: searchParams, response: "SearchResults",
		responses: map[string]string{"200": "one page of results, best first (or newest first)", "422": "a parameter is not valid",
			"503": "this server has no search index"},
		handler: s.searchArticles})
}

func (s *Server) add(rt route) {
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
		if rt.public {
			if err := rt.handler(w, r, caller{}); err != nil {
				s.fail(w, r, err)
			}
			return
		}
		if rt.ninjs {
			w.Header().Add("Vary", "Accept")
			switch format, err := requestedFormat(r); {
			case err != nil:
				s.fail(w, r, err)
				return
			case format == "ninjs":
				if err := s.ninjs(w, r, rt.scope); err != nil {
					s.fail(w, r, err)
				}
				return
			}
		}
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

// fail is the one place errors become responses: problems the caller can
// act on get their status, anything else is logged once and is a 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		conflict   *editorial.ConflictError
		invalid    *news.ValidationError
		refused    *news.TransitionError
		badRequest *requestError
		badForm    *formError
		tooLarge   *http.MaxBytesError
	)
	switch {
	case errors.Is(err, errNoToken), errors.Is(err, accounts.ErrBadToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsdesk"`)
		writeProblem(w, http.StatusUnauthorized, "Unauthorized", err.Error())
	case errors.Is(err, accounts.ErrForbidden), errors.Is(err, editorial.ErrForbidden), errors.Is(err, media.ErrForbidden):
		writeProblem(w, http.StatusForbidden, "Forbidden", err.Error())
	case errors.As(err, &tooLarge):
		writeProblem(w, http.StatusRequestEntityTooLarge, "Content Too Large", fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit))
	case errors.As(err, &badRequest):
		writeProblem(w, http.StatusBadRequest, "Bad Request", badRequest.Error())
	case errors.As(err, &badForm):
		writeProblem(w, http.StatusBadRequest, "Bad Request", badForm.Error())
	case errors.Is(err, news.ErrNotFound):
		writeProblem(w, http.StatusNotFound, "Not Found", err.Error())
	case errors.As(err, &invalid):
		p := problem{Type: problemValidation, Title: "Unprocessable Content", Status: http.StatusUnprocessableEntity, Detail: invalid.Error()}
		for _, f := range invalid.Fields {
			p.Errors = append(p.Errors, fieldProblem{Field: f.Path, Message: f.Message})
		}
		sendProblem(w, p)
	case errors.As(err, &conflict):
		sendProblem(w, problem{Type: problemEditConflict, Title: "Conflict", Status: http.StatusConflict, Detail: conflict.Error(),
			CurrentVersion: conflict.Current.Version, UpdatedBy: conflict.By, UpdatedAt: conflict.Current.UpdatedAt.Format(time.RFC3339Nano)})
	case errors.As(err, &refused):
		sendProblem(w, problem{Type: problemTransitionRefused, Title: "Conflict", Status: http.StatusConflict, Detail: refused.Error(),
			ArticleStatus: string(refused.From)})
	default:
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, http.StatusInternalServerError, "Internal Server Error", "the request failed; it has been logged")
	}
}

// requestError is a body that is not the JSON the route takes (400).
type requestError struct{ err error }

func (e *requestError) Error() string { return "the request body is not valid JSON: " + e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// The problem types beyond about:blank, each with its extension members.
const (
	problemValidation        = "urn:newsdesk:problem:validation"         // errors
	problemEditConflict      = "urn:newsdesk:problem:edit-conflict"      // current_version, updated_by, updated_at
	problemTransitionRefused = "urn:newsdesk:problem:transition-refused" // article_status
)

// problem is an RFC 9457 problem details document. The fields after Detail
// are extension members, present only for the problem types that use them.
type problem struct {
	Type   string `json:"type" doc:"about:blank, or a urn:newsdesk:problem: type with extension members"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`

	Errors         []fieldProblem `json:"errors,omitempty" doc:"validation: every field that is missing or invalid"`
	CurrentVersion int64          `json:"current_version,omitempty" doc:"edit-conflict: the version stored now; reload, merge and send it"`
	UpdatedBy      string         `json:"updated_by,omitempty" doc:"edit-conflict: who saved that version"`
	UpdatedAt      string         `json:"updated_at,omitempty" format:"date-time" doc:"edit-conflict: when"`
	ArticleStatus  string         `json:"article_status,omitempty" doc:"transition-refused: the article's status, from which the step is not allowed"`
}

// fieldProblem is one field's problem, named by its JSON path.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	sendProblem(w, problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

func sendProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
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
	Channel string `json:"channel,omitempty" doc:"the channel subtree the role covers; absent for site-wide"`
}

type tokenJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes" doc:"read, write, publish, admin"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"absent when the token never expires"`
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
