package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

// transitionForm is one workflow button of the edit page, with the time or
// note it needs.
type transitionForm struct {
	Name               news.Transition
	Label, Help        string
	NeedsAt, NeedsNote bool
	At, Note           string
	Danger             bool
}

// transitionForms offers each transition the domain would allow u now: it
// is tried on a copy of the article, so the page never offers what the
// workflow would refuse, nor re-implements its rules.
func (s *Server) transitionForms(r *http.Request, p *page, a news.Article, approval bool, loc *time.Location) []transitionForm {
	u := userOf(r)
	now := s.now()
	var out []transitionForm
	for _, t := range news.Transitions {
		try := news.Step{Transition: t, Actor: u, RequiresApproval: approval, Now: now, At: now.Add(time.Hour), Note: "-"}
		if _, _, err := news.Apply(a, try); err != nil {
			continue
		}
		tf := transitionForm{Name: t, Label: p.L["tr_"+string(t)], Help: p.L["tr_"+string(t)+"_help"],
			NeedsAt: t == news.TransitionSchedule, NeedsNote: t == news.TransitionRetract || t == news.TransitionCorrect,
			Danger: t == news.TransitionRetract || t == news.TransitionUnpublish}
		if r.PostForm.Get("transition") == string(t) {
			tf.At, tf.Note = localOrEmpty(r.PostForm.Get("at")), r.PostForm.Get("note")
		}
		if tf.NeedsAt && tf.At == "" {
			tf.At = formatLocal(a.ReleaseAt, loc)
		}
		out = append(out, tf)
	}
	return out
}

func (s *Server) transitionArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	f := r.PostForm
	step := news.Step{Transition: news.Transition(f.Get("transition")), Note: strings.TrimSpace(f.Get("note"))}
	at, err := parseLocal(f.Get("at"), site.Location())
	if err != nil {
		err = &news.TransitionError{From: a.Status, Transition: step.Transition, Reason: err.Error()}
	} else {
		step.At = at
		var moved news.Article
		if moved, err = s.editorial.Transition(ctx, userOf(r), s.clientIP(r), a.ID, step); err == nil {
			a = moved
		}
	}
	var refused *news.TransitionError
	if errors.As(err, &refused) {
		p, perr := s.editView(r, a, nil, 0)
		if perr != nil {
			return perr
		}
		p.Errors["transition"] = refusal(s.lang(r), refused)
		return s.show(w, http.StatusUnprocessableEntity, "article_edit", p)
	}
	if err != nil {
		return err
	}
	l := labels[s.lang(r)]
	msg := fmt.Sprintf(l["transition_done"], l["st_"+string(a.Status)])
	if a.Status == news.StatusScheduled {
		msg += " " + fmt.Sprintf(l["scheduled_for"], localTime(a.VisibleFrom(), site.Location()))
	}
	return s.flashRedirect(w, r, msg, articleURL(a.ID))
}

// previewArticle renders the article in any status with the public
// templates, for those who may edit it; never indexed, never cached.
func (s *Server) previewArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	if s.preview == nil {
		return errNoPreview
	}
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	w.Header().Set("Cache-Control", "no-store")
	return s.preview(w, r, a)
}

// errNoPreview: this newsroom was started without the public site.
var errNoPreview = &web.StatusError{Status: http.StatusNotImplemented, Err: errors.New("preview is not available: the newsroom runs without the public site's templates")}

// savedJSON is the autosave script's answer.
type savedJSON struct {
	Version int64  `json:"version"`
	SavedAt string `json:"saved_at"`
}

// autosaveArticle saves what the editor's script sends, as a revision
// marked autosave, and answers in JSON (see the DOM contract in
// article_edit.html): 200 with the new version, 409 with the version
// someone else saved, 422 with the problems by field.
func (s *Server) autosaveArticle(w http.ResponseWriter, r *http.Request) error {
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
	d, err := formOfRequest(r.PostForm).draft(site.Location())
	if err == nil {
		a, err = s.editorial.Save(ctx, userOf(r), s.clientIP(r), a.ID, base, d, true)
	}
	var conflict *editorial.ConflictError
	var invalid *news.ValidationError
	switch {
	case errors.As(err, &conflict):
		return writeJSON(w, http.StatusConflict, map[string]any{"error": conflict.Error(), "version": conflict.Current.Version, "by": conflict.By})
	case errors.As(articleFieldErrors(err), &invalid):
		fields := map[string]string{}
		for _, f := range invalid.Fields {
			if fields[f.Path] != "" {
				fields[f.Path] += "; "
			}
			fields[f.Path] += f.Message
		}
		return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": fields})
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, savedJSON{Version: a.Version, SavedAt: a.UpdatedAt.UTC().Format(time.RFC3339)})
}

// wantsJSON reports a request from the editor's script: its answers,
// errors and "signed out" included, are JSON, never a page or a redirect.
func wantsJSON(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/autosave") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(body, '\n'))
	return err
}
