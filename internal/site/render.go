package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"sync/atomic"

	"newsdesk/internal/web"
)

// pageTemplates are the templates that render a whole page inside layout.html.
var pageTemplates = []string{"home", "listing", "article", "page", "corrections", "error", "search"}

// renderer holds the parsed templates. In dev mode it parses them again on
// every render so edits show at once.
type renderer struct {
	fsys   fs.FS
	assets *web.Assets
	dev    bool
	set    map[string]*template.Template
	// sizes holds the length of each template's last page, so the next
	// one's buffer is allocated once rather than grown by doubling (a
	// static export renders thousands of pages alike).
	sizes map[string]*atomic.Int64
}

func newRenderer(fsys fs.FS, assets *web.Assets, dev bool) (*renderer, error) {
	r := &renderer{fsys: fsys, assets: assets, dev: dev, sizes: map[string]*atomic.Int64{}}
	for _, name := range pageTemplates {
		r.sizes[name] = new(atomic.Int64)
	}
	set, err := r.parse()
	if err != nil {
		return nil, err
	}
	r.set = set
	return r, nil
}

func (r *renderer) parse() (map[string]*template.Template, error) {
	funcs := template.FuncMap{"asset": r.assets.URL}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(r.fsys, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	set := map[string]*template.Template{}
	for _, name := range pageTemplates {
		t, err := template.Must(base.Clone()).ParseFS(r.fsys, name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		set[name] = t
	}
	return set, nil
}

// render executes the named page template into a buffer, so a failing
// template never sends half a page.
func (r *renderer) render(name string, data *pageData) ([]byte, error) {
	set := r.set
	if r.dev {
		var err error
		if set, err = r.parse(); err != nil {
			return nil, err
		}
	}
	t, ok := set[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	if err := r.fillChunks(t, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	fillHead(data)
	if a := data.Article; a != nil {
		a.HTML = articleHTML(a, data.L)
	}
	var buf bytes.Buffer
	last := r.sizes[name]
	buf.Grow(int(last.Load()) + 1024)
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	last.Store(int64(buf.Len()))
	return buf.Bytes(), nil
}
