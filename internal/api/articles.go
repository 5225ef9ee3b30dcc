package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// articleJSON is an article as the API shows it.
type articleJSON struct {
	ID         int64  `json:"id"`
	URI        string `json:"uri" doc:"the external identifier of imported copy; \"\" for articles written here"`
	Language   string `json:"language"`
	Channel    string `json:"channel" doc:"channel path"`
	Headline   string `json:"headline"`
	Subheading string `json:"subheading"`
	Slug       string `json:"slug"`
	Summary    string `json:"summary"`
	// BodyHTML is a pointer so that lists, which carry no bodies, leave it out.
	BodyHTML       *string          `json:"body_html,omitempty" doc:"sanitized HTML; absent in lists"`
	Byline         string           `json:"byline"`
	Source         string           `json:"source"`
	Editor         string           `json:"editor"`
	Tags           []string         `json:"tags"`
	Status         string           `json:"status" doc:"workflow status: draft, in-review, approved, scheduled, published, unpublished, retracted (imports may also have withheld, canceled)"`
	ReleaseAt      *time.Time       `json:"release_at" doc:"release time readers see; null before publishing or scheduling"`
	EmbargoUntil   *time.Time       `json:"embargo_until" doc:"hidden from readers until then"`
	UpdatedAt      time.Time        `json:"updated_at"`
	Version        int64            `json:"version" doc:"send it back with an update (optimistic locking)"`
	URL            *string          `json:"url" doc:"public path while readers can see the article; null otherwise"`
	Corrections    []correctionJSON `json:"corrections"`
	RetractionNote string           `json:"retraction_note"`
	LeadMediaID    *int64           `json:"lead_media_id" doc:"the lead image (a media id); null for none"`
	LeadCaption    string           `json:"lead_caption" doc:"the lead image's caption on this article; \"\" shows the library's"`
	LeadCredit     string           `json:"lead_credit" doc:"the lead image's credit on this article; \"\" shows the library's"`
	Attachments    []int64          `json:"attachments" doc:"media ids of the documents listed under the article as downloads, in order; empty in lists"`
}

type correctionJSON struct {
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

// articleList is one page of the newsroom's article list.
type articleList struct {
	Articles []articleJSON `json:"articles"`
	Total    int           `json:"total" doc:"how many match, over all pages"`
	Limit    int           `json:"limit"`
	Offset   int           `json:"offset"`
}

// draftFields are what an editor writes, as POST and PUT take them: a PUT
// replaces every one, so a field left out is emptied.
type draftFields struct {
	Language     string   `json:"language" doc:"en or zh"`
	Channel      string   `json:"channel" doc:"channel path, e.g. news/china"`
	Headline     string   `json:"headline"`
	Subheading   string   `json:"subheading,omitempty"`
	Slug         string   `json:"slug,omitempty" doc:"derived from the headline when empty"`
	Summary      string   `json:"summary,omitempty" doc:"plain text"`
	BodyHTML     string   `json:"body_html,omitempty" doc:"HTML, sanitized to paragraphs, headings, lists, quotes, links, images and tables"`
	Byline       string   `json:"byline,omitempty"`
	Source       string   `json:"source,omitempty" doc:"credit for wire or third-party copy"`
	Editor       string   `json:"editor,omitempty" doc:"the responsible editor"`
	Tags         []string `json:"tags,omitempty"`
	EmbargoUntil string   `json:"embargo_until,omitempty" format:"date-time" doc:"RFC 3339; readers see nothing of the article before then"`
	LeadMediaID  int64    `json:"lead_media_id,omitempty" doc:"the lead image: a media id of an image (POST /api/v1/media); 0 or absent for none"`
	LeadCaption  string   `json:"lead_caption,omitempty" doc:"the lead image's caption on this article; empty shows the library's"`
	LeadCredit   string   `json:"lead_credit,omitempty" doc:"the lead image's credit on this article; empty shows the library's"`
	Attachments  []int64  `json:"attachments,omitempty" doc:"media ids of documents listed under the article as downloads"`
}

// replaceRequest is PUT /api/v1/articles/{id}.
type replaceRequest struct {
	Version int64 `json:"version" doc:"the version the change was made from; 409 when someone saved since"`
	draftFields
}

// patchRequest is PATCH /api/v1/articles/{id}: absent (or null) fields keep
// their value.
type patchRequest struct {
	Version      int64     `json:"version" doc:"the version the change was made from; 409 when someone saved since"`
	Language     *string   `json:"language,omitempty"`
	Channel      *string   `json:"channel,omitempty"`
	Headline     *string   `json:"headline,omitempty"`
	Subheading   *string   `json:"subheading,omitempty"`
	Slug         *string   `json:"slug,omitempty"`
	Summary      *string   `json:"summary,omitempty"`
	BodyHTML     *string   `json:"body_html,omitempty"`
	Byline       *string   `json:"byline,omitempty"`
	Source       *string   `json:"source,omitempty"`
	Editor       *string   `json:"editor,omitempty"`
	Tags         *[]string `json:"tags,omitempty" doc:"replaces every tag; [] removes them"`
	EmbargoUntil *string   `json:"embargo_until,omitempty" format:"date-time" doc:"RFC 3339; \"\" lifts the embargo"`
	LeadMediaID  *int64    `json:"lead_media_id,omitempty" doc:"0 removes the lead image"`
	LeadCaption  *string   `json:"lead_caption,omitempty"`
	LeadCredit   *string   `json:"lead_credit,omitempty"`
	Attachments  *[]int64  `json:"attachments,omitempty" doc:"replaces every download; [] removes them"`
}

// transitionRequest is POST /api/v1/articles/{id}/transitions.
type transitionRequest struct {
	Transition string `json:"transition" enum:"transitions"`
	At         string `json:"at,omitempty" format:"date-time" doc:"RFC 3339 release time: required for schedule; for publish, a past time backdates the release"`
	Note       string `json:"note,omitempty" doc:"the correction or retraction note (required for correct and retract)"`
}

// maxBody bounds a request body; article bodies are HTML text, images are
// uploaded separately.
const maxBody = 4 << 20

func (s *Server) listArticles(w http.ResponseWriter, r *http.Request, c caller) error {
	q, err := newsroomQuery(r.URL.Query())
	if err != nil {
		return err
	}
	list, total, err := s.editable(r.Context(), c.user, q)
	if err != nil {
		return err
	}
	v, err := s.viewer(r.Context())
	if err != nil {
		return err
	}
	res := articleList{Articles: []articleJSON{}, Total: total, Limit: q.Limit, Offset: q.Offset}
	for _, a := range list {
		// The newsroom list carries no tags; a page has at most 200 articles.
		if a.Tags, err = s.ed.Store.ArticleTags(r.Context(), a.ID); err != nil {
			return err
		}
		res.Articles = append(res.Articles, v.article(a, false))
	}
	return writeJSON(w, http.StatusOK, res)
}

// newsroomQuery validates the list filters.
func newsroomQuery(v url.Values) (store.NewsroomQuery, error) {
	q := store.NewsroomQuery{Limit: 50, Channel: strings.Trim(v.Get("channel"), "/"), Language: v.Get("language")}
	bad := &news.ValidationError{}
	if st := news.Status(v.Get("status")); st != "" {
		if !st.Valid() {
			bad.Add("status", "unknown status %q", st)
		}
		q.Status = st
	}
	if q.Language != "" && !news.IsKnownLanguage(q.Language) {
		bad.Add("language", "unknown language %q (known: %s)", q.Language, strings.Join(news.KnownLanguages, ", "))
	}
	number := func(name string, min, max int, into *int) {
		s := v.Get(name)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			bad.Add(name, "must be a whole number from %d to %d", min, max)
			return
		}
		*into = n
	}
	number("limit", 1, 200, &q.Limit)
	number("offset", 0, 1<<30, &q.Offset)
	return q, bad.Err()
}

// editable lists the articles q selects that u may edit. One reach is one
// query; several may overlap, and then the filtered list is walked and the
// domain asked about each article.
func (s *Server) editable(ctx context.Context, u news.User, q store.NewsroomQuery) ([]news.Article, int, error) {
	reaches := news.EditReach(u, q.Channel)
	switch len(reaches) {
	case 0:
		return nil, 0, nil
	case 1:
		q.Channel, q.AuthorID = reaches[0].Channel, reaches[0].AuthorID
		return s.ed.Store.NewsroomArticles(ctx, q)
	}
	var out []news.Article
	total := 0
	page := q
	page.Limit, page.Offset = 200, 0
	for {
		list, _, err := s.ed.Store.NewsroomArticles(ctx, page)
		if err != nil {
			return nil, 0, err
		}
		for _, a := range list {
			if !mayEdit(u, a) {
				continue
			}
			if total >= q.Offset && len(out) < q.Limit {
				out = append(out, a)
			}
			total++
		}
		if len(list) < page.Limit {
			return out, total, nil
		}
		page.Offset += page.Limit
	}
}

func mayEdit(u news.User, a news.Article) bool {
	return u.May(news.ActionEditArticle, news.Target{Channel: a.ChannelPath, AuthorID: a.AuthorID})
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request, c caller) error {
	a, err := s.article(r)
	if err != nil {
		return err
	}
	if !mayEdit(c.user, a) {
		return editorial.ErrForbidden
	}
	return s.send(w, r, http.StatusOK, a)
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request, c caller) error {
	var req draftFields
	if err := decode(w, r, &req); err != nil {
		return err
	}
	bad := &news.ValidationError{}
	d := req.draft(bad)
	if err := bad.Err(); err != nil {
		return err
	}
	a, err := s.ed.Create(r.Context(), c.user, web.ClientIP(r, nil), d)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/articles/%d", a.ID))
	return s.sendStored(w, r, http.StatusCreated, a.ID)
}

func (s *Server) replaceArticle(w http.ResponseWriter, r *http.Request, c caller) error {
	var req replaceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	bad := &news.ValidationError{}
	d := req.draft(bad)
	needVersion(bad, req.Version)
	if err := bad.Err(); err != nil {
		return err
	}
	return s.save(w, r, c, req.Version, func(news.Article) editorial.Draft { return d })
}

func (s *Server) patchArticle(w http.ResponseWriter, r *http.Request, c caller) error {
	var req patchRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	bad := &news.ValidationError{}
	var embargo time.Time
	if req.EmbargoUntil != nil {
		embargo = parseTime(bad, "embargo_until", *req.EmbargoUntil)
	}
	needVersion(bad, req.Version)
	if err := bad.Err(); err != nil {
		return err
	}
	return s.save(w, r, c, req.Version, func(cur news.Article) editorial.Draft {
		d := draftOf(cur)
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&d.Language, req.Language)
		set(&d.Channel, req.Channel)
		set(&d.Headline, req.Headline)
		set(&d.Subheading, req.Subheading)
		set(&d.Slug, req.Slug)
		set(&d.Summary, req.Summary)
		set(&d.BodyHTML, req.BodyHTML)
		set(&d.Byline, req.Byline)
		set(&d.Source, req.Source)
		set(&d.Editor, req.Editor)
		if req.Tags != nil {
			d.Tags = *req.Tags
		}
		if req.EmbargoUntil != nil {
			d.EmbargoUntil = embargo
		}
		m := *d.Media
		if req.LeadMediaID != nil {
			m.LeadID = *req.LeadMediaID
		}
		set(&m.LeadCaption, req.LeadCaption)
		set(&m.LeadCredit, req.LeadCredit)
		if req.Attachments != nil {
			m.Attachments = *req.Attachments
		}
		d.Media = &m
		return d
	})
}

// save stores the draft edit makes of the current article as a change from
// version base; editorial refuses with a conflict when someone saved since.
func (s *Server) save(w http.ResponseWriter, r *http.Request, c caller, base int64, edit func(news.Article) editorial.Draft) error {
	cur, err := s.article(r)
	if err != nil {
		return err
	}
	if !mayEdit(c.user, cur) {
		return editorial.ErrForbidden
	}
	a, err := s.ed.Save(r.Context(), c.user, web.ClientIP(r, nil), cur.ID, base, edit(cur), false)
	if err != nil {
		return err
	}
	return s.sendStored(w, r, http.StatusOK, a.ID)
}

func needVersion(bad *news.ValidationError, v int64) {
	if v <= 0 {
		bad.Add("version", "give the version the change was made from (the article's \"version\")")
	}
}

func (s *Server) transition(w http.ResponseWriter, r *http.Request, c caller) error {
	var req transitionRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	id, err := articleID(r)
	if err != nil {
		return err
	}
	step, err := req.step()
	if err != nil {
		return err
	}
	a, err := s.ed.Transition(r.Context(), c.user, web.ClientIP(r, nil), id, step)
	var refused *news.TransitionError
	if errors.As(err, &refused) && s.refusedForWho(r.Context(), id, step, refused) {
		return fmt.Errorf("%w: %s", editorial.ErrForbidden, refused.Error())
	}
	if err != nil {
		return err
	}
	return s.sendStored(w, r, http.StatusOK, a.ID)
}

// refusedForWho tells a step refused because of who asked (403) from one
// refused because of the article's state (409). The domain gives both as a
// TransitionError, checking who asks first, so this asks it again as
// someone every rule about people allows (a site-wide administrator who did
// not write the article): a state refusal comes back the same.
func (s *Server) refusedForWho(ctx context.Context, id int64, step news.Step, refused *news.TransitionError) bool {
	if errors.Is(refused, news.ErrAltTextMissing) {
		return false // about the article's images, not about who asks
	}
	a, err := s.ed.Store.ArticleByID(ctx, id)
	if err != nil {
		return false
	}
	ch, err := s.ed.Store.ChannelByPath(ctx, a.ChannelPath)
	if err != nil {
		return false
	}
	step.Actor = news.User{ID: -1, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator}}}
	step.Now, step.RequiresApproval = s.ed.Now(), ch.RequiresApproval
	_, _, err = news.Apply(a, step)
	return err == nil || err.Error() != refused.Error()
}

func (req transitionRequest) step() (news.Step, error) {
	bad := &news.ValidationError{}
	st := news.Step{Transition: news.Transition(req.Transition), Note: req.Note}
	if !slices.Contains(news.Transitions, st.Transition) {
		bad.Add("transition", "unknown transition %q (known: %s)", req.Transition, strings.Join(enums["transitions"](), ", "))
	}
	st.At = parseTime(bad, "at", req.At)
	if st.Transition == news.TransitionSchedule && req.At == "" {
		bad.Add("at", "give the time to publish at")
	}
	return st, bad.Err()
}

// article loads the article the path names.
func (s *Server) article(r *http.Request) (news.Article, error) {
	id, err := articleID(r)
	if err != nil {
		return news.Article{}, err
	}
	return s.ed.Store.ArticleByID(r.Context(), id)
}

func articleID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("article %q: %w", r.PathValue("id"), news.ErrNotFound)
	}
	return id, nil
}

// send renders one article with its body.
func (s *Server) send(w http.ResponseWriter, r *http.Request, status int, a news.Article) error {
	v, err := s.viewer(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, status, v.article(a, true))
}

// sendStored renders an article as a write left it in the database (tags
// sorted and deduplicated, as every read shows them).
func (s *Server) sendStored(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	a, err := s.ed.Store.ArticleByID(r.Context(), id)
	if err != nil {
		return err
	}
	return s.send(w, r, status, a)
}

// viewer holds what rendering articles needs beyond the article: the site's
// time zone for public paths, and the time that decides visibility.
type viewer struct {
	loc *time.Location
	now time.Time
}

func (s *Server) viewer(ctx context.Context) (viewer, error) {
	site, err := s.ed.Store.Site(ctx)
	if err != nil {
		return viewer{}, err
	}
	return viewer{loc: site.Location(), now: s.ed.Now()}, nil
}

func (v viewer) article(a news.Article, body bool) articleJSON {
	j := articleJSON{ID: a.ID, URI: a.URI, Language: a.Language, Channel: a.ChannelPath, Headline: a.Headline,
		Subheading: a.Subheading, Slug: a.Slug, Summary: a.Summary, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Tags: a.Tags, Status: string(a.Status), ReleaseAt: optTime(a.ReleaseAt), EmbargoUntil: optTime(a.EmbargoUntil),
		UpdatedAt: a.UpdatedAt, Version: a.Version, Corrections: []correctionJSON{}, RetractionNote: a.RetractionNote,
		LeadCaption: a.LeadCaption, LeadCredit: a.LeadCredit, Attachments: a.Attachments}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if j.Attachments == nil {
		j.Attachments = []int64{}
	}
	if a.LeadMediaID != 0 {
		id := a.LeadMediaID
		j.LeadMediaID = &id
	}
	if body {
		j.BodyHTML = &a.BodyHTML
	}
	if a.VisibleAt(v.now) {
		p := a.Path(v.loc)
		j.URL = &p
	}
	for _, c := range a.Corrections {
		j.Corrections = append(j.Corrections, correctionJSON{At: c.At, Note: c.Note})
	}
	return j
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (f draftFields) draft(bad *news.ValidationError) editorial.Draft {
	return editorial.Draft{Language: f.Language, Channel: f.Channel, Headline: f.Headline, Subheading: f.Subheading,
		Slug: f.Slug, Summary: f.Summary, BodyHTML: f.BodyHTML, Byline: f.Byline, Source: f.Source, Editor: f.Editor,
		Tags: f.Tags, EmbargoUntil: parseTime(bad, "embargo_until", f.EmbargoUntil),
		Media: &editorial.DraftMedia{LeadID: f.LeadMediaID, LeadCaption: f.LeadCaption, LeadCredit: f.LeadCredit, Attachments: f.Attachments}}
}

// draftOf is the draft an article was saved from, for partial updates.
func draftOf(a news.Article) editorial.Draft {
	return editorial.Draft{Language: a.Language, Channel: a.ChannelPath, Headline: a.Headline, Subheading: a.Subheading,
		Slug: a.Slug, Summary: a.Summary, BodyHTML: a.BodyHTML, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Tags: a.Tags, EmbargoUntil: a.EmbargoUntil,
		Media: &editorial.DraftMedia{LeadID: a.LeadMediaID, LeadCaption: a.LeadCaption, LeadCredit: a.LeadCredit, Attachments: a.Attachments}}
}

// parseTime reads an optional RFC 3339 time; "" is the zero time.
func parseTime(bad *news.ValidationError, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		bad.Add(field, "%q is not an RFC 3339 time such as 2026-11-29T08:00:00Z", s)
	}
	return t.UTC()
}

// decode reads one JSON value into v. Unknown fields and values of the
// wrong type are the caller's mistakes in valid JSON (422); anything else
// is a bad request.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return nil
	}
	bad := &news.ValidationError{}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		bad.Add(typeErr.Field, "must be a JSON %s", jsonKind(typeErr.Type.String()))
		return bad
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		bad.Add(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "is not a field of this request")
		return bad
	}
	return &requestError{err: err}
}

// jsonKind names a Go type as the JSON type a client should send.
func jsonKind(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "string"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "number (integer)"
	case strings.Contains(goType, "[]"):
		return "array"
	}
	return goType
}
