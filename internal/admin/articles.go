package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/search"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// articleRoutes registers the editor: the article list, the edit form with
// its autosave, the workflow, previews and revisions. Who may do what to
// which article is asked of the domain per article, inside the handlers.
func (s *Server) articleRoutes(mux *http.ServeMux, h, post func(web.HandlerFunc) http.Handler) {
	user := s.requireUser

	mux.Handle("GET /admin/articles", h(user(s.articlesPage)))
	mux.Handle("GET /admin/articles/new", h(user(s.newArticle)))
	mux.Handle("POST /admin/articles", post(user(s.createArticle)))
	mux.Handle("GET /admin/articles/{id}", h(user(s.editArticle)))
	mux.Handle("POST /admin/articles/{id}", post(user(s.saveArticle)))
	// The editor's script saves every few seconds; it is told in JSON, and
	// an expired session answers 401 rather than a redirect or a form-token
	// page, so the script can keep the text and ask the writer to sign in.
	mux.Handle("POST /admin/articles/{id}/autosave", h(user(s.checkForm(s.autosaveArticle))))
	mux.Handle("POST /admin/articles/{id}/transition", post(user(s.transitionArticle)))
	mux.Handle("GET /admin/articles/{id}/preview", h(user(s.previewArticle)))
	mux.Handle("POST /admin/articles/{id}/share", post(user(s.shareArticle)))
	mux.Handle("POST /admin/articles/{id}/pins", post(user(s.pinArticle)))

	// Every save is a revision; any two can be compared, any one restored.
	mux.Handle("GET /admin/articles/{id}/revisions", h(user(s.revisionsPage)))
	mux.Handle("POST /admin/articles/{id}/revisions/{rev}/restore", post(user(s.restoreRevision)))
}

// articlesPerPage is the length of a page of the article list.
const articlesPerPage = 50

// articleStatuses are the statuses the list filters by: the workflow's,
// then those only imported copy has.
var articleStatuses = []news.Status{news.StatusDraft, news.StatusInReview, news.StatusApproved, news.StatusScheduled,
	news.StatusPublished, news.StatusUnpublished, news.StatusRetracted, news.StatusWithheld, news.StatusCanceled}

// option is one entry of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// articlesData is what articles.html shows.
type articlesData struct {
	Statuses, Channels, Languages []option
	Mine                          bool
	// Query is the text searched for (all statuses, where the user may
	// edit); CanSearch says whether this server has a search index.
	Query      string
	CanSearch  bool
	Rows       []articleRow
	Filtered   bool
	CanCreate  bool
	Prev, Next string
	Page       int
}

type articleRow struct {
	ID                                                   int64
	Headline, Status, Channel, Language, Updated, Author string
}

func (s *Server) articlesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := s.newPage(r, "articles")
	nq := store.NewsroomQuery{Status: news.Status(q.Get("status")), Channel: q.Get("channel"), Language: q.Get("language"), Limit: articlesPerPage}
	if !nq.Status.Valid() {
		nq.Status = ""
	}
	if _, ok := tree.ByPath(nq.Channel); !ok {
		nq.Channel = ""
	}
	if !site.HasLanguage(nq.Language) {
		nq.Language = ""
	}
	d := &articlesData{Mine: q.Get("mine") == "1", Page: 1}
	if d.Mine {
		nq.AuthorID = u.ID
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 100000 {
		d.Page = n
	}
	nq.Offset = (d.Page - 1) * articlesPerPage
	d.Query, d.CanSearch = strings.TrimSpace(q.Get("q")), s.search != nil
	d.Filtered = nq.Status != "" || nq.Channel != "" || nq.Language != "" || d.Mine || d.Query != ""

	d.Statuses = []option{{Value: "", Label: p.L["all_statuses"]}}
	for _, st := range articleStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: p.L["st_"+string(st)], Selected: st == nq.Status})
	}
	d.Channels = []option{{Value: "", Label: p.L["all_channels"]}}
	for _, c := range treeOrder(tree) {
		if u.May(news.ActionCreateArticle, news.Target{Channel: c.Path, AuthorID: u.ID}) {
			d.Channels = append(d.Channels, option{Value: c.Path, Label: crumbLabel(tree, c, p.Lang, site.DefaultLanguage), Selected: c.Path == nq.Channel})
			d.CanCreate = true
		}
	}
	d.Languages = []option{{Value: "", Label: p.L["all_languages"]}}
	for _, l := range siteLanguages(site) {
		d.Languages = append(d.Languages, option{Value: l, Label: p.L["lang_"+l], Selected: l == nq.Language})
	}

	var list []news.Article
	var total int
	if d.Query != "" && s.search != nil {
		list, total, err = s.searchArticles(ctx, u, d.Query, nq)
	} else {
		list, total, err = s.store.NewsroomArticles(ctx, nq)
	}
	if err != nil {
		return err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return err
	}
	loc := site.Location()
	for _, a := range list {
		if !u.May(news.ActionEditArticle, articleTarget(a)) {
			continue
		}
		d.Rows = append(d.Rows, articleRow{ID: a.ID, Headline: a.Headline, Status: p.L["st_"+string(a.Status)], Channel: a.ChannelPath,
			Language: a.Language, Updated: localTime(a.UpdatedAt, loc), Author: names[a.AuthorID]})
	}
	page := func(n int) string {
		v := url.Values{}
		for _, k := range []string{"q", "status", "channel", "language", "mine"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/articles"
		}
		return "/admin/articles?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = page(d.Page - 1)
	}
	if nq.Offset+articlesPerPage < total {
		d.Next = page(d.Page + 1)
	}
	p.Data = d
	return s.show(w, http.StatusOK, "articles", p)
}

// userNames maps user ids to display names, for authors and revisions.
func (s *Server) userNames(ctx context.Context) (map[int64]string, error) {
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{0: "—"}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names, nil
}

// articleTarget is what the permission rules need to know of an article.
func articleTarget(a news.Article) news.Target {
	return news.Target{Channel: a.ChannelPath, AuthorID: a.AuthorID}
}

// localTime shows t in the site's time zone, as the newsroom reads times.
func localTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// datetimeLocal is the value format of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// parseLocal reads a datetime-local value in the site's time zone; "" is
// the zero time.
func parseLocal(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time (YYYY-MM-DDTHH:MM)", v)
}

// localOrEmpty keeps what a datetime-local input can show again: it
// cannot hold text that is no date and time.
func localOrEmpty(v string) string {
	if _, err := parseLocal(v, time.UTC); err != nil {
		return ""
	}
	return strings.Replace(strings.TrimSpace(v), " ", "T", 1)
}

func formatLocal(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(datetimeLocal)
}

// articleForm is the editor's form, as submitted or as shown.
type articleForm struct {
	Headline, Subheading, Slug, Language, Channel, Summary, Body string
	Byline, Source, Editor, Tags, Embargo                        string
	// Media: the lead image and downloads (see articles_media.go).
	Media articleMediaForm
}

func formOfArticle(a news.Article, loc *time.Location) articleForm {
	return articleForm{Headline: a.Headline, Subheading: a.Subheading, Slug: a.Slug, Language: a.Language, Channel: a.ChannelPath,
		Summary: a.Summary, Body: a.BodyHTML, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Tags: strings.Join(a.Tags, ", "), Embargo: formatLocal(a.EmbargoUntil, loc), Media: mediaFormOfArticle(a)}
}

func formOfRequest(f url.Values) articleForm {
	return articleForm{Headline: f.Get("headline"), Subheading: f.Get("subheading"), Slug: f.Get("slug"), Language: f.Get("language"),
		Channel: f.Get("channel"), Summary: f.Get("summary"), Body: f.Get("body"), Byline: f.Get("byline"), Source: f.Get("source"),
		Editor: f.Get("editor"), Tags: f.Get("tags"), Embargo: f.Get("embargo"), Media: mediaFormOfRequest(f)}
}

// tagSeparators split the tags field: commas as typed on English and
// Chinese keyboards, and the enumeration comma.
var tagSeparators = strings.NewReplacer("，", ",", "、", ",")

// draft checks what needs no database and makes the editorial draft; the
// service checks the rest.
func (f articleForm) draft(loc *time.Location) (editorial.Draft, error) {
	v := &news.ValidationError{}
	d := editorial.Draft{Language: strings.TrimSpace(f.Language), Channel: strings.TrimSpace(f.Channel), Headline: f.Headline,
		Subheading: f.Subheading, Slug: f.Slug, Summary: f.Summary, BodyHTML: f.Body, Byline: f.Byline, Source: f.Source, Editor: f.Editor}
	for _, t := range strings.Split(tagSeparators.Replace(f.Tags), ",") {
		if t = strings.TrimSpace(t); t != "" {
			d.Tags = append(d.Tags, t)
		}
	}
	if d.Channel == "" {
		v.Add("channel", "choose a channel")
	}
	if strings.TrimSpace(f.Headline) == "" {
		v.Add("headline", "is empty")
	}
	var err error
	if d.EmbargoUntil, err = parseLocal(f.Embargo, loc); err != nil {
		v.Add("embargo", "%s", err.Error())
	}
	d.Media = f.Media.draft(v)
	return d, v.Err()
}

// articleFieldErrors puts the service's validation errors on the form's
// fields; those about no field go to the top of the page.
func articleFieldErrors(err error) error {
	return formErrors(err, "", map[string]string{"release time": "_", "status": "_"})
}

// editData is what article_edit.html shows, for a new article and an
// existing one.
type editData struct {
	New         bool
	Article     news.Article
	Version     int64
	Action      string
	AutosaveURL string
	Fields      []field
	CanSave     bool
	Status      string
	Approval    bool
	Transitions []transitionForm
	PublicURL   string
	Release     string
	Embargo     string
	Updated     string
	Corrections []correctionView
	Retracted   string
	Zone        string
	// Pins is the lead-stories form, for those who may publish here.
	Pins *pinsForm
	// EditorJS and EditorCSS: the WYSIWYG editor's scripts (Quill and
	// editor.js) and styles are there; without them the body is a plain
	// textarea.
	EditorJS, EditorCSS bool
	// Media is the choice of lead image and downloads, when the newsroom
	// has a media library.
	Media *mediaChoice
}

type correctionView struct{ At, Note string }

// field is one control of the article form with its label, help and error.
type field struct {
	Name, Label, Help, Value string
	Kind                     string // text, textarea, body, select, datetime
	Options                  []option
	Required                 bool
	Rows                     int
	errs                     map[string]string // the page's, filled in up to rendering
}

// Error is the problem with the field's value, if any.
func (f field) Error() string { return f.errs[f.Name] }

// articleFields lays out the form for f; channels are the channels offered.
func articleFields(p *page, f articleForm, langs []string, channels []option, zone string) []field {
	l := p.L
	langOpts := []option{}
	for _, lang := range langs {
		langOpts = append(langOpts, option{Value: lang, Label: l["lang_"+lang], Selected: lang == f.Language})
	}
	for i := range channels {
		channels[i].Selected = channels[i].Value == f.Channel
	}
	fs := []field{
		{Name: "headline", Label: l["headline"], Value: f.Headline, Kind: "text", Required: true},
		{Name: "subheading", Label: l["subheading"], Value: f.Subheading, Kind: "text"},
		{Name: "slug", Label: l["slug"], Help: l["article_slug_help"], Value: f.Slug, Kind: "text"},
		{Name: "language", Label: l["language"], Value: f.Language, Kind: "select", Options: langOpts, Required: true},
		{Name: "channel", Label: l["channel"], Value: f.Channel, Kind: "select", Options: channels, Required: true},
		{Name: "summary", Label: l["summary"], Help: l["summary_help"], Value: f.Summary, Kind: "textarea", Rows: 3},
		{Name: "body", Label: l["body"], Help: l["body_help"], Value: f.Body, Kind: "body", Rows: 20},
		{Name: "byline", Label: l["byline"], Value: f.Byline, Kind: "text"},
		{Name: "source", Label: l["source"], Help: l["source_help"], Value: f.Source, Kind: "text"},
		{Name: "editor", Label: l["responsible_editor"], Value: f.Editor, Kind: "text"},
		{Name: "tags", Label: l["tags"], Help: l["tags_help"], Value: f.Tags, Kind: "text"},
		{Name: "embargo", Label: l["embargo"], Help: fmt.Sprintf(l["embargo_help"], zone), Value: f.Embargo, Kind: "datetime"},
	}
	for i := range fs {
		fs[i].errs = p.Errors
		if fs[i].Kind == "datetime" {
			fs[i].Value = localOrEmpty(fs[i].Value)
		}
	}
	return fs
}

// channelChoices lists the channels u may file an article of author in.
func channelChoices(u news.User, tree *news.ChannelTree, site news.Site, lang string, action news.Action, author int64, current string) []option {
	var out []option
	for _, c := range treeOrder(tree) {
		if c.Path == current || u.May(action, news.Target{Channel: c.Path, AuthorID: author}) {
			out = append(out, option{Value: c.Path, Label: crumbLabel(tree, c, lang, site.DefaultLanguage)})
		}
	}
	return out
}

func (s *Server) newArticle(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newArticleView(r, articleForm{})
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "article_edit", p)
}

// newArticleView is the empty form, or f again with its problems.
func (s *Server) newArticleView(r *http.Request, f articleForm) (*page, error) {
	ctx := r.Context()
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "article_new")
	channels := channelChoices(u, tree, site, p.Lang, news.ActionCreateArticle, u.ID, "")
	if len(channels) == 0 {
		return nil, errForbidden
	}
	if f.Language == "" {
		f.Language = site.DefaultLanguage
	}
	zone := site.Location().String()
	d := &editData{New: true, Action: "/admin/articles", Fields: articleFields(p, f, siteLanguages(site), channels, zone),
		CanSave: true, Zone: zone}
	d.EditorJS, d.EditorCSS = s.editorAssets()
	if d.Media, err = s.mediaChoice(ctx, f.Media); err != nil {
		return nil, err
	}
	p.Data = d
	return p, nil
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	f := formOfRequest(r.PostForm)
	d, err := f.draft(site.Location())
	var a news.Article
	if err == nil {
		a, err = s.editorial.Create(ctx, userOf(r), s.clientIP(r), d)
	}
	if err != nil {
		p, perr := s.newArticleView(r, f)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "article_edit", p, articleFieldErrors(err))
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["article_created"], articleURL(a.ID))
}

func articleURL(id int64) string { return "/admin/articles/" + itoa(id) }

// editableArticle loads the article of the URL for a user who may edit it.
func (s *Server) editableArticle(r *http.Request) (news.Article, error) {
	id, err := pathID(r)
	if err != nil {
		return news.Article{}, err
	}
	a, err := s.store.ArticleByID(r.Context(), id)
	if err != nil {
		return a, err
	}
	if !userOf(r).May(news.ActionEditArticle, articleTarget(a)) {
		return a, errForbidden
	}
	return a, nil
}

func (s *Server) editArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	p, err := s.editView(r, a, nil, 0)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "article_edit", p)
}

// editView is the edit page of a: with the stored values, or with the
// form as submitted (f, from version) when it is shown again.
func (s *Server) editView(r *http.Request, a news.Article, f *articleForm, version int64) (*page, error) {
	ctx := r.Context()
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	loc := site.Location()
	p := s.newPage(r, "article_edit")
	p.Title = fmt.Sprintf(p.L["article_edit_title"], a.Headline)
	if f == nil {
		stored := formOfArticle(a, loc)
		f, version = &stored, a.Version
	}
	target := articleTarget(a)
	live := !a.VisibleFrom().IsZero()
	d := &editData{Article: a, Version: version, Action: articleURL(a.ID), AutosaveURL: articleURL(a.ID) + "/autosave",
		CanSave: u.May(news.ActionEditArticle, target) && (!live || u.May(news.ActionPublish, target)),
		Status:  p.L["st_"+string(a.Status)], Zone: loc.String(),
		Release: localTime(a.ReleaseAt, loc), Updated: localTime(a.UpdatedAt, loc)}
	if !a.EmbargoUntil.IsZero() {
		d.Embargo = localTime(a.EmbargoUntil, loc)
	}
	if !d.CanSave {
		d.AutosaveURL = ""
	} else {
		d.EditorJS, d.EditorCSS = s.editorAssets()
	}
	for _, c := range a.Corrections {
		d.Corrections = append(d.Corrections, correctionView{At: localTime(c.At, loc), Note: c.Note})
	}
	if a.Status == news.StatusRetracted {
		d.Retracted = localTime(a.RetractedAt, loc)
	}
	if a.VisibleAt(s.now()) {
		d.PublicURL = a.Path(loc)
	}
	langs := siteLanguages(site)
	if !site.HasLanguage(a.Language) && a.Language != "" {
		langs = append(append([]string(nil), langs...), a.Language)
	}
	channels := channelChoices(u, tree, site, p.Lang, news.ActionEditArticle, a.AuthorID, a.ChannelPath)
	d.Fields = articleFields(p, *f, langs, channels, loc.String())
	if d.Media, err = s.mediaChoice(ctx, f.Media); err != nil {
		return nil, err
	}
	if c, ok := tree.ByPath(a.ChannelPath); ok {
		d.Approval = c.RequiresApproval
	}
	d.Transitions = s.transitionForms(r, p, a, d.Approval, loc)
	if u.May(news.ActionPublish, target) {
		if d.Pins, err = s.pinsView(r, p, a); err != nil {
			return nil, err
		}
	}
	p.Data = d
	return p, nil
}

// versionOf reads the version the editor started from.
func versionOf(f url.Values) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(f.Get("version")), 10, 64)
	if err != nil || v < 1 {
		return 0, web.BadRequest(errors.New("the form has no version: reload the page"))
	}
	return v, nil
}

func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	base, err := versionOf(r.PostForm)
	if err != nil {
		return err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	f := formOfRequest(r.PostForm)
	d, err := f.draft(site.Location())
	var saved news.Article
	if err == nil {
		saved, err = s.editorial.Save(ctx, userOf(r), s.clientIP(r), a.ID, base, d, false)
	}
	var conflict *editorial.ConflictError
	switch {
	case errors.As(err, &conflict):
		return s.showConflict(w, r, f, conflict, site.Location())
	case err != nil:
		p, perr := s.editView(r, a, &f, base)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "article_edit", p, articleFieldErrors(err))
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["article_saved"], saved.Version), articleURL(a.ID))
}

// conflictData is what conflict.html shows: the writer's text, kept, and
// what is stored now.
type conflictData struct {
	ID          int64
	By          string
	Current     news.Article
	CurrentAt   string
	CurrentBody template.HTML
	Mine        articleForm
	MineVersion int64
}

// showConflict answers a save refused because someone saved since (409):
// nothing was overwritten, and nothing the writer typed is lost.
func (s *Server) showConflict(w http.ResponseWriter, r *http.Request, f articleForm, c *editorial.ConflictError, loc *time.Location) error {
	p := s.newPage(r, "conflict")
	p.Data = &conflictData{ID: c.Current.ID, By: c.By, Current: c.Current, CurrentAt: localTime(c.Current.UpdatedAt, loc),
		Mine: f, MineVersion: c.Current.Version,
		// Stored bodies are sanitized on save; sanitized again here, as
		// everywhere the newsroom shows HTML it did not write.
		CurrentBody: template.HTML(s.san.Sanitize(c.Current.BodyHTML))}
	return s.show(w, http.StatusConflict, "conflict", p)
}

// editorAssets reports whether the WYSIWYG editor's scripts and its
// styles are there, each set whole: the form works without them.
func (s *Server) editorAssets() (scripts, styles bool) {
	have := func(names ...string) bool {
		for _, name := range names {
			if _, err := s.assets.URL(name); err != nil {
				return false
			}
		}
		return true
	}
	return have("vendor/quill/quill.js", "editor.js"), have("vendor/quill/quill.snow.css", "editor.css")
}

// searchArticles finds the articles whose text matches query among those u
// may edit, in every status (or the filter's), best match first.
func (s *Server) searchArticles(ctx context.Context, u news.User, query string, nq store.NewsroomQuery) ([]news.Article, int, error) {
	req := search.Request{Query: search.Parse(query), Language: nq.Language, Channel: nq.Channel, Offset: nq.Offset, Limit: nq.Limit, Now: s.now()}
	if nq.Status != "" {
		req.Statuses = []news.Status{nq.Status}
	}
	for _, r := range news.EditReach(u, nq.Channel) {
		if nq.AuthorID != 0 && r.AuthorID == 0 {
			r.AuthorID = nq.AuthorID // "only mine"
		}
		req.Reach = append(req.Reach, search.Reach{Channel: r.Channel, AuthorID: r.AuthorID})
	}
	if req.Query.Empty() || len(req.Reach) == 0 {
		return nil, 0, nil
	}
	found, err := s.search.Newsroom(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	out := make([]news.Article, 0, len(found.Hits))
	total := found.Total
	for _, h := range found.Hits {
		a, err := s.store.ArticleByID(ctx, h.ID)
		if errors.Is(err, news.ErrNotFound) {
			total-- // deleted since it was indexed
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, nil
}
