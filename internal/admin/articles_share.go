package admin

import (
	"context"
	"net/http"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// ShareTTL is how long a reviewer's preview link works.
const ShareTTL = 72 * time.Hour

// shareArticle makes a signed, expiring preview link a reviewer without an
// account can open, shows it once on the edit page, and records who made it.
func (s *Server) shareArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	if s.previewLink == nil {
		return errNoPreview
	}
	path, err := s.previewLink(r.Context(), a, ShareTTL)
	if err != nil {
		return err
	}
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	link := scheme + "://" + r.Host + path
	u := userOf(r)
	if err := s.store.Audit(r.Context(), store.AuditEntry{At: s.now(), ActorID: u.ID, Actor: u.Email, IP: s.clientIP(r),
		Action: "article.share-preview", Target: "article " + itoa(a.ID), Details: map[string]string{"expires": s.now().Add(ShareTTL).UTC().Format(time.RFC3339)}}); err != nil {
		return err
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["share_created"]+" "+link, "/admin/articles/"+itoa(a.ID))
}

// PreviewLinker makes a reviewer's preview link path for an article (the
// portal's site.Server.PreviewLink).
type PreviewLinker func(ctx context.Context, a news.Article, ttl time.Duration) (string, error)
