package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
)

// pagesData is what pages.html shows: every standing page with its form,
// and the form for a new one.
type pagesData struct {
	Pages []*pageForm
	New   *pageForm
}

// pageForm is one page's form; Errors is set on the one just refused.
type pageForm struct {
	P              *page
	IDPrefix       string
	Slug, Title    string
	URL            string // on the public site
	InFooter       bool
	Titles, Bodies []langField
	Open           bool
	Errors         map[string]string
}

func (s *Server) pagesPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pagesView(r, "", false)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "pages", p)
}

// pagesView builds the pages page; failed names the slug whose form was
// refused (isNew: the create form's).
func (s *Server) pagesView(r *http.Request, failed string, isNew bool) (*page, error) {
	ctx := r.Context()
	p := s.newPage(r, "pages")
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.store.Pages(ctx)
	if err != nil {
		return nil, err
	}
	langs := siteLanguages(site)
	footer := setOf(site.FooterPages)
	d := &pagesData{}
	form := r.PostForm
	for i, pg := range list {
		f := &pageForm{P: p, IDPrefix: fmt.Sprintf("pg%d-", i+1), Slug: pg.Slug, Title: pg.Title.In(p.Lang, site.DefaultLanguage),
			URL: "/" + site.DefaultLanguage + "/" + pg.Slug + "/", InFooter: footer[pg.Slug]}
		var values url.Values
		if !isNew && failed == pg.Slug {
			f.Open, f.Errors, values = true, p.Errors, form
		}
		f.Titles = langFields(langs, "title", f.IDPrefix, pg.Title, values)
		f.Bodies = langFields(langs, "body", f.IDPrefix, pg.Body, values)
		if f.Title == "" {
			f.Title = pg.Slug
		}
		d.Pages = append(d.Pages, f)
	}
	d.New = &pageForm{P: p, IDPrefix: "new-"}
	var values url.Values
	if isNew {
		d.New.Open, d.New.Errors, values = true, p.Errors, form
		d.New.Slug = form.Get("slug")
	}
	d.New.Titles = langFields(langs, "title", "new-", nil, values)
	d.New.Bodies = langFields(langs, "body", "new-", nil, values)
	p.Data = d
	return p, nil
}

// savePage creates a page (from the form marked new) or updates the page
// with the slug given, by the rules of `site apply`: a valid slug that is
// neither reserved nor a top-level channel's, texts in the site's
// languages, and a body sanitized like every body Newsdesk stores.
func (s *Server) savePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := r.PostForm
	isNew := f.Get("new") == "1"
	slug := strings.TrimSpace(f.Get("slug"))
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	langs := siteLanguages(site)
	pg := news.Page{Slug: slug, Title: localized(f, langs, "title"), Body: news.Localized{}}
	for _, lang := range langs {
		if body := strings.TrimSpace(f.Get("body_" + lang)); body != "" {
			pg.Body[lang] = body
		}
	}
	var changed bool
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.PageBySlug(ctx, slug)
		switch {
		case err == nil && isNew:
			return fieldErr("slug", "a page with the slug %q already exists; edit it below", slug)
		case errors.Is(err, news.ErrNotFound) && !isNew:
			return news.ErrNotFound
		case err == nil:
			pg.Position = old.Position
		case errors.Is(err, news.ErrNotFound):
			pages, err := tx.Pages(ctx)
			if err != nil {
				return err
			}
			for _, other := range pages {
				pg.Position = max(pg.Position, other.Position+1)
			}
		default:
			return err
		}
		if len(pg.Title) == 0 {
			return fieldErr("title", "give the page a title in at least one language")
		}
		res, err := sitefile.ApplyFile(ctx, tx, s.san, sitefile.PageFile(pg))
		if err != nil {
			return err
		}
		if changed = res.Changed(); !changed {
			return nil
		}
		if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), Kind: news.ChangeSite, Details: map[string]string{"what": "page " + slug}}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "page.save", slug, map[string]string{
			"created": fmt.Sprint(isNew), "titles": jsonText(pg.Title)}))
		return err
	})
	if err != nil {
		var v *news.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		p, perr := s.pagesView(r, slug, isNew)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "pages", p, formErrors(err, "pages[0].", nil))
	}
	l := labels[s.lang(r)]
	msg := l["no_change"]
	if changed {
		msg = fmt.Sprintf(l["page_saved"], slug)
	}
	return s.flashRedirect(w, r, msg, "/admin/pages")
}
