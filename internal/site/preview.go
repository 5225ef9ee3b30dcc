package site

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// Preview renders a for the newsroom exactly as readers would get it once
// published, whatever its status now: the same template and frame as the
// article page, with "Preview" only in the title. It is never indexed nor
// cached. A body that has not been stored yet is sanitized here, so a
// preview is as safe as the published page.
func (s *Server) Preview(w http.ResponseWriter, r *http.Request, a news.Article) error {
	f, err := s.loadFrame(r.Context())
	if err != nil {
		return err
	}
	return s.preview(w, r, f, a)
}

func (s *Server) preview(w http.ResponseWriter, r *http.Request, f frame, a news.Article) error {
	noStore(w)
	a.BodyHTML = s.sanitizer.Sanitize(a.BodyHTML)
	if a.ReleaseAt.IsZero() {
		// Not released yet: it would go out now.
		a.ReleaseAt = s.now().UTC().Truncate(time.Second)
	}
	am, err := s.loadArticleMedia(r.Context(), a)
	if err != nil {
		return err
	}
	p := articlePage(f, a, am)
	p.Title = fmt.Sprintf(label(a.Language, "preview_title"), a.Headline)
	p.Robots = "noindex"
	return s.send(w, r, "article", p, time.Time{})
}

// noStore marks a response as private to the one who asked: never indexed,
// never cached, and its URL (which may carry a preview token) never sent on.
func noStore(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Referrer-Policy", "no-referrer")
}

// PreviewLink returns the path of a shareable preview of a
// (/{lang}/preview/{token}/) that anyone holding it may open without an
// account until ttl has passed. Prefix it with the site's address to share.
func (s *Server) PreviewLink(ctx context.Context, a news.Article, ttl time.Duration) (string, error) {
	if a.ID == 0 {
		return "", errors.New("preview link: save the article first")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("preview link: the link must live for some time (got %v)", ttl)
	}
	secret, err := s.store.PreviewSecret(ctx)
	if err != nil {
		return "", err
	}
	token := signPreview(secret, a.ID, s.now().Add(ttl))
	return "/" + a.Language + "/preview/" + token + "/", nil
}

// A preview token is base64url("{article id}.{expiry unix seconds}") "."
// base64url(HMAC-SHA256 of it): readable, but not forgeable nor extendable
// without the site's preview secret.
var tokenEncoding = base64.RawURLEncoding.Strict()

// previewPurpose keeps the secret's signatures from meaning anything else.
const previewPurpose = "newsdesk preview link v1\x00"

func previewMAC(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(previewPurpose))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func signPreview(secret []byte, id int64, expires time.Time) string {
	payload := tokenEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10) + "." + strconv.FormatInt(expires.Unix(), 10)))
	return payload + "." + tokenEncoding.EncodeToString(previewMAC(secret, payload))
}

// errBadPreview is any token that is malformed, tampered with or expired;
// readers see the same 404 for each.
var errBadPreview = fmt.Errorf("preview link is invalid or has expired: %w", news.ErrNotFound)

// openPreview checks a token at now and returns the article id it names.
func openPreview(secret []byte, token string, now time.Time) (int64, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return 0, errBadPreview
	}
	mac, err := tokenEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, previewMAC(secret, payload)) {
		return 0, errBadPreview
	}
	raw, err := tokenEncoding.DecodeString(payload)
	if err != nil {
		return 0, errBadPreview
	}
	idText, expText, ok := strings.Cut(string(raw), ".")
	id, idErr := strconv.ParseInt(idText, 10, 64)
	exp, expErr := strconv.ParseInt(expText, 10, 64)
	if !ok || idErr != nil || expErr != nil || id <= 0 || now.Unix() >= exp {
		return 0, errBadPreview
	}
	return id, nil
}

// sharedPreview answers a preview link: the article as it will be published,
// for reviewers without an account, while the link lasts.
func (s *Server) sharedPreview(w http.ResponseWriter, r *http.Request, f frame, lang, token string) error {
	ctx := r.Context()
	secret, err := s.store.PreviewSecret(ctx)
	if err != nil {
		return err
	}
	id, err := openPreview(secret, token, s.now())
	if err != nil {
		return err
	}
	a, err := s.store.ArticleByID(ctx, id)
	if err != nil {
		return err
	}
	if a.Language != lang {
		// The article changed language since the link was made.
		http.Redirect(w, r, "/"+a.Language+"/preview/"+token+"/", http.StatusFound)
		return nil
	}
	return s.preview(w, r, f, a)
}
