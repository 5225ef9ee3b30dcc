package site

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// layoutChunks holds the parts of layout.html that read only what a frame
// fixes per language: the stylesheet links (not even that), the head's
// alternate and feed links (per channel shown too), the masthead (per
// active top channel and home), the breadcrumb (per channel) and the site
// footer; and the link to a tag's page that article.html shows under the
// article. They take most of the layout's actions, each an escaper called
// through reflection, so a frame renders each variant once and the layout
// inserts the result. The cache lives in the frame, read afresh per
// request when serving: a new frame starts empty, so no page shows chunks
// of settings or channels that have since changed.
type layoutChunks struct {
	mu   sync.Mutex
	done map[chunkKey]template.HTML
}

// chunkKey is what a chunk depends on besides its frame: the template
// (styles, headlinks, masthead, breadcrumb, sitefooter, taglink), the
// language, for headlinks the channel shown (its feeds), for the
// breadcrumb the channel it leads to, for a tag link the tag, for the
// masthead which navigation entry is active (-1 none) and whether home is.
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
func (c *layoutChunks) chunk(t *template.Template, key chunkKey, data any) (template.HTML, error) {
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
func execChunk(t *template.Template, name string, data any) (template.HTML, error) {
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
	if a := data.Article; a != nil && len(a.Tags) > 0 {
		return fillTagLinks(t, c, data.Lang, a)
	}
	return nil
}

// fillTagLinks sets a's TagLinks: the links to the pages of its tags,
// each article.html's taglink template rendered once per frame, language
// and tag (a tag's link is the same on the page of every article with the
// tag), joined with ", " as the list reads.
func fillTagLinks(t *template.Template, c *layoutChunks, lang string, a *articleView) error {
	var b strings.Builder
	for i, tag := range a.Tags {
		h, err := c.chunk(t, chunkKey{name: "taglink", lang: lang, path: tag.Name}, tag)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(h))
	}
	// Each part is the output of html/template, the separator plain text.
	a.TagLinks = template.HTML(b.String())
	return nil
}
