package site

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"
)

// layoutChunks holds the parts of layout.html that read only what a frame
// fixes per language: the stylesheet links (not even that), the head's
// alternate and feed links (per channel shown too), the masthead (per
// active top channel and home), the breadcrumb (per channel) and the site
// footer. They take most of the layout's actions, each an escaper called
// through reflection, so a frame renders each variant once and the layout
// inserts the result. The cache lives in the frame, read afresh per
// request when serving: a new frame starts empty, so no page shows chunks
// of settings or channels that have since changed.
type layoutChunks struct {
	mu   sync.Mutex
	done map[chunkKey]template.HTML
}

// chunkKey is what a chunk depends on besides its frame: the template
// (styles, headlinks, masthead, breadcrumb, sitefooter), the language, for
// headlinks the channel shown (its feeds), for the breadcrumb the channel
// it leads to, for the masthead which navigation entry is active (-1 none)
// and whether home is.
type chunkKey struct {
	name   string
	lang   string
	path   string
	active int
	home   bool
}

// newLayoutChunks is the empty cache of a frame just read.
func newLayoutChunks() *layoutChunks {
	return &layoutChunks{done: map[chunkKey]template.HTML{}}
}

// chunk renders the named template of t for data, or returns the copy c
// rendered before for the same key. A nil c renders every time.
func (c *layoutChunks) chunk(t *template.Template, key chunkKey, data *pageData) (template.HTML, error) {
	if c == nil {
		return execChunk(t, key.name, data)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.done[key]; ok {
		return h, nil
	}
	h, err := execChunk(t, key.name, data)
	if err != nil {
		return "", err
	}
	c.done[key] = h
	return h, nil
}

// execChunk executes the named template: html/template escapes it in the
// context the layout inserts it in (HTML text), so the result is what the
// layout would write inline.
func execChunk(t *template.Template, name string, data *pageData) (template.HTML, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	// It is the output of html/template, escaped already.
	return template.HTML(buf.String()), nil
}

// fillChunks sets data's chunks of the layout, from those of its
// frame when it has any (dev mode, which parses the templates anew each
// time, renders them every time).
func (r *renderer) fillChunks(t *template.Template, data *pageData) error {
	c := data.chunks
	if r.dev {
		c = nil
	}
	// A breadcrumb not set by setCrumbs is rendered every time.
	crumbs := c
	if data.crumbsPath == "" && len(data.Crumbs) > 0 {
		crumbs = nil
	}
	for _, ch := range []struct {
		from *layoutChunks
		key  chunkKey
		to   *template.HTML
	}{
		{c, chunkKey{name: "styles"}, &data.Styles},
		{c, chunkKey{name: "headlinks", lang: data.Lang, path: data.activePath}, &data.HeadLinks},
		{c, chunkKey{name: "masthead", lang: data.Lang, active: data.navActive, home: data.HomeActive}, &data.Masthead},
		{crumbs, chunkKey{name: "breadcrumb", lang: data.Lang, path: data.crumbsPath}, &data.Breadcrumb},
		{c, chunkKey{name: "sitefooter", lang: data.Lang}, &data.SiteFooter},
	} {
		h, err := ch.from.chunk(t, ch.key, data)
		if err != nil {
			return err
		}
		*ch.to = h
	}
	return nil
}
