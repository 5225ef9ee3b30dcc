package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// mediaJSON is a media library file as the API shows it.
type mediaJSON struct {
	ID        int64         `json:"id"`
	Kind      string        `json:"kind" doc:"image or document"`
	MIME      string        `json:"mime" doc:"the type sniffed from the bytes (a WebP upload is stored as JPEG, or PNG when transparent)"`
	Filename  string        `json:"filename" doc:"the uploaded name, cleaned, with the sniffed type's extension"`
	Hash      string        `json:"hash" doc:"SHA-256 of the uploaded bytes: the same bytes are one file"`
	URL       string        `json:"url" doc:"public path of the stored file; cached for a year"`
	Width     int           `json:"width,omitempty"`
	Height    int           `json:"height,omitempty"`
	Bytes     int64         `json:"bytes" doc:"size of the stored file"`
	Alt       string        `json:"alt" doc:"alt text; required before an article showing the image is published"`
	Caption   string        `json:"caption"`
	Credit    string        `json:"credit"`
	Variants  []variantJSON `json:"variants" doc:"resized copies of an image, narrowest first"`
	Srcset    string        `json:"srcset,omitempty" doc:"the variants and the original for <img srcset>"`
	CreatedAt time.Time     `json:"created_at"`
}

type variantJSON struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

// mediaList is one page of the media library.
type mediaList struct {
	Media  []mediaJSON `json:"media"`
	Total  int         `json:"total" doc:"how many match, over all pages"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
}

// mediaUpload documents the multipart form POST /api/v1/media takes.
type mediaUpload struct {
	File    string `json:"file" format:"binary" doc:"the file: JPEG, PNG, GIF or WebP image, or PDF, DOCX, XLSX or ODT document (the type is sniffed from the bytes)"`
	Alt     string `json:"alt,omitempty" doc:"alt text of an image"`
	Caption string `json:"caption,omitempty"`
	Credit  string `json:"credit,omitempty"`
}

func mediaOf(m news.Media) mediaJSON {
	j := mediaJSON{ID: m.ID, Kind: string(m.Kind), MIME: m.MIME, Filename: m.Filename, Hash: m.Hash, URL: m.URL(),
		Width: m.Width, Height: m.Height, Bytes: m.Bytes, Alt: m.Alt, Caption: m.Caption, Credit: m.Credit,
		Variants: []variantJSON{}, Srcset: m.Srcset(), CreatedAt: m.CreatedAt}
	for _, v := range m.Variants {
		j.Variants = append(j.Variants, variantJSON{Width: v.Width, Height: v.Height, URL: m.VariantURL(v.Width)})
	}
	return j
}

// addMediaRoutes registers the media library's operations.
func (s *Server) addMediaRoutes() {
	if s.media == nil {
		return
	}
	s.add(route{method: "POST", path: "/api/v1/media", summary: "Upload an image or document to the media library (multipart/form-data)", scope: "write",
		request: "MediaUpload", requestType: "multipart/form-data", response: "Media",
		responses: map[string]string{"201": "stored; Location names it", "200": "the same bytes were uploaded before: that file, unchanged",
			"400": "the body is not a multipart form", "401": "no valid token", "403": "the token lacks the scope, or the caller may not use the library",
			"413": "the body is larger than the size limit", "422": "the file is not an accepted type, is over a limit, or a text is too long"},
		handler: s.uploadMedia})
	s.add(route{method: "GET", path: "/api/v1/media", summary: "The media library, newest first", scope: "read",
		query: []param{
			{"q", "string", "only files whose name, caption, credit or alt text contain this"},
			{"kind", "string", "only image or document"},
			{"limit", "integer", "at most this many, 1 to 200 (default 50)"},
			{"offset", "integer", "skip this many (default 0)"},
		},
		response: "MediaList", responses: map[string]string{"200": "one page of files and the total", "401": "no valid token",
			"403": "the token lacks the scope, or the caller may not use the library", "422": "a filter is not valid"},
		handler: s.listMedia})
	s.add(route{method: "GET", path: "/api/v1/media/{id}", summary: "One media library file", scope: "read",
		response: "Media", responses: map[string]string{"200": "the file's record", "401": "no valid token",
			"403": "the token lacks the scope, or the caller may not use the library", "404": "no such file"},
		handler: s.getMedia})
	s.add(route{method: "DELETE", path: "/api/v1/media/{id}", summary: "Delete a file no article shows (its uploader, or an editor and up)", scope: "write",
		response: "Media", responses: map[string]string{"200": "deleted: the record it had", "401": "no valid token",
			"403": "the token lacks the scope, or the caller may not delete the file", "404": "no such file",
			"409": "articles still show the file; the detail names them"},
		handler: s.deleteMedia})
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request, c caller) error {
	if !c.user.MayUseMedia() {
		return media.ErrForbidden
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.media.Limits.MaxBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return &formError{err: err}
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		bad := &news.ValidationError{}
		bad.Add("file", "no file: send it as the multipart field \"file\"")
		return bad
	}
	if err != nil {
		return &formError{err: err}
	}
	defer file.Close()
	m, created, err := s.media.Add(r.Context(), c.user, web.ClientIP(r, nil), media.Upload{Filename: header.Filename, Body: file,
		Alt: r.PostForm.Get("alt"), Caption: r.PostForm.Get("caption"), Credit: r.PostForm.Get("credit")})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", fmt.Sprintf("/api/v1/media/%d", m.ID))
	}
	return writeJSON(w, status, mediaOf(m))
}

func (s *Server) listMedia(w http.ResponseWriter, r *http.Request, c caller) error {
	if !c.user.MayUseMedia() {
		return media.ErrForbidden
	}
	v := r.URL.Query()
	bad := &news.ValidationError{}
	q := store.MediaQuery{Search: v.Get("q"), Kind: news.MediaKind(v.Get("kind")), Limit: 50}
	if q.Kind != "" && q.Kind != news.MediaImage && q.Kind != news.MediaDocument {
		bad.Add("kind", "%q is neither image nor document", q.Kind)
	}
	number := func(name string, min, max int, into *int) {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < min || n > max {
				bad.Add(name, "must be a whole number from %d to %d", min, max)
				return
			}
			*into = n
		}
	}
	number("limit", 1, 200, &q.Limit)
	number("offset", 0, 1<<30, &q.Offset)
	if err := bad.Err(); err != nil {
		return err
	}
	list, total, err := s.ed.Store.ListMedia(r.Context(), q)
	if err != nil {
		return err
	}
	out := mediaList{Media: []mediaJSON{}, Total: total, Limit: q.Limit, Offset: q.Offset}
	for _, m := range list {
		out.Media = append(out.Media, mediaOf(m))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request, c caller) error {
	if !c.user.MayUseMedia() {
		return media.ErrForbidden
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("media %q: %w", r.PathValue("id"), news.ErrNotFound)
	}
	m, err := s.ed.Store.MediaByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mediaOf(m))
}

func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("media %q: %w", r.PathValue("id"), news.ErrNotFound)
	}
	m, err := s.media.Delete(r.Context(), c.user, web.ClientIP(r, nil), id)
	var inUse *media.InUseError
	if errors.As(err, &inUse) {
		writeProblem(w, http.StatusConflict, "Conflict", inUse.Error())
		return nil
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mediaOf(m))
}

// formError is a body that is not the multipart form the route takes (400).
type formError struct{ err error }

func (e *formError) Error() string {
	return "the request body is not a multipart form: " + e.err.Error()
}
func (e *formError) Unwrap() error { return e.err }
