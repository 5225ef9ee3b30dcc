package admin

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/language"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

type renderer struct {
	set map[string]*template.Template
}

// adminTemplates are the page templates rendered inside layout.html.
var adminTemplates = []string{"login", "code", "setup", "setpassword", "dashboard", "account", "error",
	"users", "user", "channels", "pages", "settings", "audit", "webhooks",
	"articles", "article_edit", "revisions", "diff", "conflict", "media", "media_item", "wires"}

func newRenderer(fsys fs.FS, assets *web.Assets) (*renderer, error) {
	funcs := template.FuncMap{
		"asset": assets.URL,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"join": strings.Join,
		// mediaArgs hands the editor's media choices and the page to the
		// "amedia" template.
		"mediaArgs": func(p *page, c *mediaChoice) map[string]any { return map[string]any{"Page": p, "Choice": c} },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse admin layout: %w", err)
	}
	r := &renderer{set: map[string]*template.Template{}}
	for _, name := range adminTemplates {
		if _, err := fs.Stat(fsys, name+".html"); err != nil {
			continue // a page not built yet; routes for it are not registered
		}
		t, err := template.Must(base.Clone()).ParseFS(fsys, name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse admin template %s: %w", name, err)
		}
		r.set[name] = t
	}
	return r, nil
}

// navItem is one entry of the newsroom's navigation.
type navItem struct {
	Name, URL string
	Current   bool
}

// page is what layout.html and every admin template read.
type page struct {
	Lang, HTMLLang string
	L              map[string]string
	Title          string
	SiteName       string
	User           *news.User
	CSRF           string
	Nav            []navItem
	OtherLang      navItem
	Flash          string
	Errors         map[string]string // field → message
	Form           url.Values
	Data           any
}

// newPage fills the frame of every admin page for the request.
func (s *Server) newPage(r *http.Request, title string) *page {
	ctx := r.Context()
	lang := s.lang(r)
	p := &page{Lang: lang, HTMLLang: map[string]string{"en": "en", "zh": "zh-Hans"}[lang], L: labels[lang], CSRF: s.csrfToken(ctx),
		Errors: map[string]string{}, Form: r.PostForm}
	p.Title = p.L[title]
	if p.Title == "" {
		p.Title = title
	}
	if site, err := s.store.Site(ctx); err == nil {
		p.SiteName = site.Name.In(lang, site.DefaultLanguage)
	}
	if p.SiteName == "" {
		p.SiteName = "Newsdesk"
	}
	other := map[string]string{"en": "zh", "zh": "en"}[lang]
	p.OtherLang = navItem{Name: map[string]string{"en": "English", "zh": "中文"}[other], URL: "/admin/lang/" + other}
	if u := userOf(r); u.ID != 0 {
		p.User = &u
		add := func(label, url string, ok bool) {
			if ok {
				p.Nav = append(p.Nav, navItem{Name: p.L[label], URL: url, Current: r.URL.Path == url || (url != "/admin/" && strings.HasPrefix(r.URL.Path, url))})
			}
		}
		add("dashboard", "/admin/", true)
		add("articles", "/admin/articles", len(u.Grants) > 0)
		add("media", "/admin/media", s.media != nil && u.MayUseMedia())
		add("users", "/admin/users", u.May(news.ActionManageUsers, news.Target{}))
		add("channels", "/admin/channels", hasAdminGrant(u))
		add("pages", "/admin/pages", u.May(news.ActionManagePages, news.Target{}))
		add("settings", "/admin/settings", u.May(news.ActionManageSettings, news.Target{}))
		add("wires", "/admin/wires", u.May(news.ActionManageWires, news.Target{}))
		add("audit", "/admin/audit", u.May(news.ActionViewAudit, news.Target{}))
		add("webhooks", "/admin/webhooks", u.May(news.ActionManageSettings, news.Target{}))
		add("account", "/admin/account", true)
	}
	if f := s.sessions.PopString(ctx, keyFlash); f != "" {
		p.Flash = f
	}
	return p
}

// lang is the interface language: the one chosen in this session, else the
// browser's preference among English and Chinese.
func (s *Server) lang(r *http.Request) string {
	if l := s.sessions.GetString(r.Context(), keyLang); l == "en" || l == "zh" {
		return l
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err == nil && len(tags) > 0 {
		_, i, conf := language.NewMatcher([]language.Tag{language.English, language.Chinese}).Match(tags...)
		if conf != language.No && i == 1 {
			return "zh"
		}
	}
	return "en"
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if lang != "en" && lang != "zh" {
		return news.ErrNotFound
	}
	s.sessions.Put(r.Context(), keyLang, lang)
	back := "/admin/"
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && ref.Host == r.Host {
		back = safeNext(ref.RequestURI())
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// show renders a page with status.
func (s *Server) show(w http.ResponseWriter, status int, name string, p *page) error {
	t, ok := s.render.set[name]
	if !ok {
		return fmt.Errorf("no admin template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render admin %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// invalid re-shows a form with its field errors (422), or returns err when it
// is not a validation problem.
func (s *Server) invalid(w http.ResponseWriter, name string, p *page, err error) error {
	var v *news.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	for _, f := range v.Fields {
		key := f.Path
		if key == "" {
			key = "_"
		}
		if p.Errors[key] != "" {
			p.Errors[key] += "; "
		}
		p.Errors[key] += f.Message
	}
	return s.show(w, http.StatusUnprocessableEntity, name, p)
}

// flashRedirect shows msg on the next page (Post/Redirect/Get).
func (s *Server) flashRedirect(w http.ResponseWriter, r *http.Request, msg, to string) error {
	s.sessions.Put(r.Context(), keyFlash, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

var errCrossOrigin = errors.New("cross-origin request refused")

// handleError is the newsroom's one place for error pages.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, news.ErrNotFound):
		status = http.StatusNotFound
	case web.StatusOf(err) != 0:
		status = web.StatusOf(err)
	case errors.Is(err, editorial.ErrForbidden):
		status = http.StatusForbidden
	default:
		web.LogServerError(s.log, r, err)
	}
	if wantsJSON(r) {
		msg := http.StatusText(status)
		if status < 500 || status == http.StatusNotImplemented {
			msg = err.Error()
		}
		if werr := writeJSON(w, status, map[string]string{"error": msg}); werr != nil {
			s.log.Error("admin error answer", "err", werr)
		}
		return
	}
	p := s.newPage(r, "error")
	msg := p.L["error_text"]
	switch status {
	case http.StatusNotFound:
		msg = p.L["notfound_text"]
	case http.StatusForbidden:
		msg = p.L["forbidden_text"]
		if errors.Is(err, errCrossOrigin) || strings.Contains(err.Error(), "form token") {
			msg = p.L["csrf_text"]
		}
	case http.StatusBadRequest:
		msg = p.L["badrequest_text"]
	case http.StatusNotImplemented:
		msg = p.L["notimplemented_text"]
	}
	p.Data = map[string]any{"Status": status, "Message": msg}
	if rerr := s.show(w, status, "error", p); rerr != nil {
		s.log.Error("admin error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}
