package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"newsdesk/internal/feed"
	"newsdesk/internal/news"
)

// requestedFormat reads which form of an article the client wants:
// ?format= wins over Accept. It is "json" or "ninjs".
func requestedFormat(r *http.Request) (string, error) {
	if f, ok := r.URL.Query()["format"]; ok {
		switch {
		case len(f) == 1 && (f[0] == "json" || f[0] == "ninjs"):
			return f[0], nil
		}
		return "", &requestError{err: fmt.Errorf("format must be json or ninjs, not %q", strings.Join(f, ","))}
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == feed.NinjsMediaType {
			return "ninjs", nil
		}
	}
	return "json", nil
}

// ninjs serves one article as an IPTC ninjs 2.1 document. A caller whose
// token has scope and may edit the article gets it in any status, as the
// newsroom sees it; anyone else (no token at all included) gets it only
// while readers may see it on the site, like a feed: ninjs is how
// partners syndicate published copy. A token that is sent must be valid.
func (s *Server) ninjs(w http.ResponseWriter, r *http.Request, scope string) error {
	a, err := s.article(r)
	if err != nil {
		return err
	}
	editor := false
	c, err := s.authenticate(r.Context(), r)
	switch {
	case errors.Is(err, errNoToken):
	case err != nil:
		return err
	default:
		hasScope := slices.Contains(c.token.Scopes, scope) || slices.Contains(c.token.Scopes, "admin")
		editor = hasScope && mayEdit(c.user, a)
	}
	v, err := s.viewer(r.Context())
	if err != nil {
		return err
	}
	visible := !a.VisibleFrom().IsZero() && !a.VisibleFrom().After(v.now)
	if !editor && !visible {
		return fmt.Errorf("article %d: %w", a.ID, news.ErrNotFound)
	}
	base := s.baseURL(r)
	out := feed.NinjsOut{URI: feed.ArticleTag(feed.Authority(base), a), Location: v.loc, Modified: a.UpdatedAt}
	if visible {
		out.URL = base + a.Path(v.loc)
	}
	if a.LeadMediaID != 0 {
		m, err := s.ed.Store.MediaByID(r.Context(), a.LeadMediaID)
		if err != nil {
			return err
		}
		out.Lead = leadPicture(a, m, base)
	}
	body, err := feed.MarshalNinjs(a, out)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", feed.NinjsMediaType)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// baseURL is BaseURL, or the host the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// leadPicture is an article's lead image as a ninjs picture: the original
// and each variant as renditions, with the article's caption and credit
// where it gives them.
func leadPicture(a news.Article, m news.Media, base string) *feed.NinjsPicture {
	if m.Kind != news.MediaImage {
		return nil
	}
	p := &feed.NinjsPicture{URI: feed.TagURI(feed.Authority(base), m.CreatedAt, "media:"+strconv.FormatInt(m.ID, 10)),
		Alt: m.Alt, Caption: a.LeadCaption, Credit: a.LeadCredit,
		Renditions: []feed.NinjsRendition{{Name: "original", Href: base + m.URL(), ContentType: m.MIME, Width: m.Width, Height: m.Height, Bytes: m.Bytes}}}
	if p.Caption == "" {
		p.Caption = m.Caption
	}
	if p.Credit == "" {
		p.Credit = m.Credit
	}
	for _, v := range m.Variants {
		p.Renditions = append(p.Renditions, feed.NinjsRendition{Name: "w" + strconv.Itoa(v.Width), Href: base + m.VariantURL(v.Width),
			ContentType: m.MIME, Width: v.Width, Height: v.Height, Bytes: v.Bytes})
	}
	return p
}
