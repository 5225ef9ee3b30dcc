package site

import (
	"errors"
	"net/http"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

// handleError is the portal's one place for error responses. A not-found
// path is first looked up in the redirect table (old slugs, dates, channels
// and imported sites' URLs); otherwise the reader gets a real page in the
// language of the URL.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, news.ErrNotFound):
		status = http.StatusNotFound
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if to, rerr := s.store.Redirect(ctx, r.URL.Path); rerr == nil {
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return
			}
			// Imported sites' old URLs may carry their query (/blog/?p=5).
			if r.URL.RawQuery != "" {
				if to, rerr := s.store.Redirect(ctx, r.URL.Path+"?"+r.URL.RawQuery); rerr == nil {
					http.Redirect(w, r, to, http.StatusMovedPermanently)
					return
				}
			}
		}
	case web.StatusOf(err) != 0:
		status = web.StatusOf(err)
	default:
		web.LogServerError(s.log, r, err)
	}

	f, ferr := s.loadFrame(ctx)
	if ferr != nil {
		last := s.lastFrame.Load()
		if last == nil {
			// The database is down and has never answered: a plain page beats none.
			s.log.Error("error page: load site", "err", ferr)
			http.Error(w, http.StatusText(status), status)
			return
		}
		f = *last
	}
	lang := f.site.DefaultLanguage
	if first := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]; f.site.HasLanguage(first) {
		lang = first
	}
	if lang == "" {
		lang = "en"
	}
	p := newPage(f, lang, "")
	ev := &errorView{Heading: label(lang, "error"), Text: label(lang, "error_text")}
	switch status {
	case http.StatusNotFound:
		ev = &errorView{Heading: label(lang, "notfound"), Text: label(lang, "notfound_text")}
	case http.StatusBadRequest:
		ev = &errorView{Heading: label(lang, "badrequest"), Text: label(lang, "badrequest_text")}
	}
	p.Title = ev.Heading
	p.Error = ev
	body, rerr := s.render.render("error", p)
	if rerr != nil {
		s.log.Error("error page: render", "err", rerr)
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
