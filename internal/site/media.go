package site

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"

	"newsdesk/internal/news"
)

// imageSizes tells the browser how wide article images are laid out: the
// whole viewport up to the 1000-pixel column, less its padding.
const imageSizes = "(max-width: 1000px) 100vw, 968px"

// articleMedia is what an article shows from the media library.
type articleMedia struct {
	lead        *news.Media
	attachments []news.Media
	// body holds the library images of the body, by hash.
	body map[string]news.Media
}

// loadArticleMedia loads the lead image, the downloads and the body's
// library images of a.
func (s *Server) loadArticleMedia(ctx context.Context, a news.Article) (articleMedia, error) {
	lib, err := s.loadMediaOf(ctx, []news.Article{a})
	if err != nil {
		return articleMedia{}, err
	}
	return lib.of(a)
}

// mediaLib is the library files a set of articles shows, loaded together:
// one article's for its page, a batch's for the static export.
type mediaLib struct {
	byID   map[int64]news.Media
	byHash map[string]news.Media
	// bodies holds the library hashes each article's body names, by id.
	bodies map[int64][]string
}

// loadMediaOf loads the lead images, downloads and body images of list.
func (s *Server) loadMediaOf(ctx context.Context, list []news.Article) (mediaLib, error) {
	lib := mediaLib{byID: map[int64]news.Media{}, byHash: map[string]news.Media{}, bodies: map[int64][]string{}}
	var ids []int64
	var hashes []string
	seenID, seenHash := map[int64]bool{}, map[string]bool{}
	for _, a := range list {
		for _, id := range append([]int64{a.LeadMediaID}, a.Attachments...) {
			if id != 0 && !seenID[id] {
				seenID[id] = true
				ids = append(ids, id)
			}
		}
		hs := news.BodyMediaHashes(a.BodyHTML)
		lib.bodies[a.ID] = hs
		for _, h := range hs {
			if !seenHash[h] {
				seenHash[h] = true
				hashes = append(hashes, h)
			}
		}
	}
	byID, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return lib, err
	}
	for _, m := range byID {
		lib.byID[m.ID] = m
	}
	byHash, err := s.store.MediaByHashes(ctx, hashes)
	if err != nil {
		return lib, err
	}
	for _, m := range byHash {
		lib.byHash[m.Hash] = m
	}
	return lib, nil
}

// of is what a, one of the articles lib was loaded for, shows. A lead
// image that is not in the library is an error (the page cannot be
// built); a missing download or body image is left out.
func (lib mediaLib) of(a news.Article) (articleMedia, error) {
	var am articleMedia
	if a.LeadMediaID != 0 {
		m, ok := lib.byID[a.LeadMediaID]
		if !ok {
			return am, fmt.Errorf("article %d lead image: media %d: %w", a.ID, a.LeadMediaID, news.ErrNotFound)
		}
		am.lead = &m
	}
	for _, id := range a.Attachments {
		if m, ok := lib.byID[id]; ok {
			am.attachments = append(am.attachments, m)
		}
	}
	am.body = map[string]news.Media{}
	for _, h := range lib.bodies[a.ID] {
		if m, ok := lib.byHash[h]; ok {
			am.body[h] = m
		}
	}
	return am, nil
}

// figureView is the lead image as <figure>.
type figureView struct {
	Src, Srcset, Sizes, Alt string
	Width, Height           int
	Caption, Credit         string
}

// downloadView is one document of the Downloads list.
type downloadView struct {
	Name, URL, Type, Size string
}

// leadFigure is the lead image with the article's caption and credit, or
// the image's own where the article gives none.
func leadFigure(a news.Article, m *news.Media) *figureView {
	if m == nil || m.Kind != news.MediaImage {
		return nil
	}
	f := &figureView{Src: m.URL(), Srcset: m.Srcset(), Alt: m.Alt, Width: m.Width, Height: m.Height,
		Caption: a.LeadCaption, Credit: a.LeadCredit}
	if f.Srcset != "" {
		f.Sizes = imageSizes
	}
	if f.Caption == "" {
		f.Caption = m.Caption
	}
	if f.Credit == "" {
		f.Credit = m.Credit
	}
	return f
}

// docTypes name document formats as readers know them.
var docTypes = map[string]string{"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "odt": "OpenDocument (ODT)"}

func downloads(list []news.Media) []downloadView {
	var out []downloadView
	for _, m := range list {
		if m.Kind != news.MediaDocument {
			continue
		}
		t := docTypes[m.Ext]
		if t == "" {
			t = strings.ToUpper(m.Ext)
		}
		out = append(out, downloadView{Name: m.Filename, URL: m.URL(), Type: t, Size: fileSize(m.Bytes)})
	}
	return out
}

// fileSize reads as a download list shows sizes: 1.2 MB, 340 KB.
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// imgTag finds the <img> tags of sanitized body HTML and the src of each.
var (
	imgTag  = regexp.MustCompile(`<img\b[^>]*>`)
	imgSrc  = regexp.MustCompile(`\ssrc="([^"]*)"`)
	imgSize = regexp.MustCompile(`\s(?:width|height|srcset)="`)
	imgAlt  = regexp.MustCompile(`\salt="([^"]*)"`)
)

// withSrcset gives every library image of a sanitized body its srcset,
// sizes, width and height, so browsers fetch the variant that fits and
// reserve its space. Other images are left as they are.
func withSrcset(body string, lib map[string]news.Media) string {
	if len(lib) == 0 {
		return body
	}
	return imgTag.ReplaceAllStringFunc(body, func(tag string) string {
		src := imgSrc.FindStringSubmatch(tag)
		if src == nil || imgSize.MatchString(tag) {
			return tag
		}
		m, ok := lib[news.MediaHashOfURL(html.UnescapeString(src[1]))]
		if !ok || m.Kind != news.MediaImage {
			return tag
		}
		extra := fmt.Sprintf(` width="%d" height="%d"`, m.Width, m.Height)
		if alt := imgAlt.FindStringSubmatch(tag); (alt == nil || strings.TrimSpace(alt[1]) == "") && m.Alt != "" {
			// The tag gives no alt text: the library's describes the image.
			tag = imgAlt.ReplaceAllString(tag, "")
			extra += ` alt="` + template.HTMLEscapeString(m.Alt) + `"`
		}
		if set := m.Srcset(); set != "" {
			extra += ` srcset="` + template.HTMLEscapeString(set) + `" sizes="` + imageSizes + `"`
		}
		return "<img" + extra + tag[len("<img"):]
	})
}
