package admin

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// mediaRoutes registers the media library: the library page with its
// upload form, search and pages; one file's page where its alt text,
// caption and credit are edited; and the JSON list the editor's picker
// reads. Whoever may write articles may use it.
func (s *Server) mediaRoutes(mux *http.ServeMux, h, post func(web.HandlerFunc) http.Handler) {
	if s.media == nil {
		return
	}
	may := func(next web.HandlerFunc) web.HandlerFunc {
		return s.requireUser(func(w http.ResponseWriter, r *http.Request) error {
			if !userOf(r).MayUseMedia() {
				return errForbidden
			}
			return next(w, r)
		})
	}
	mux.Handle("GET /admin/media", h(may(s.mediaPage)))
	// Uploads are multipart: their own body limit and form-token check.
	mux.Handle("POST /admin/media", h(s.checkUpload(may(s.uploadMedia))))
	mux.Handle("GET /admin/media/pick", h(may(s.pickMedia)))
	mux.Handle("GET /admin/media/{id}", h(may(s.mediaItemPage)))
	mux.Handle("POST /admin/media/{id}", post(may(s.describeMedia)))
	mux.Handle("POST /admin/media/{id}/delete", post(may(s.deleteMedia)))
}

// mediaPerPage is the length of a page of the library.
const mediaPerPage = 24

// mediaData is what media.html shows.
type mediaData struct {
	Query, Kind string
	Kinds       []option
	Items       []mediaItem
	Total       int
	Filtered    bool
	Prev, Next  string
	Page        int
	// Limit and Accept describe the upload form: the size limit, and the
	// types offered in the file chooser (the server sniffs regardless).
	Limit, Accept string
	Alt, Caption  string
	Credit        string
}

// mediaItem is one file as the newsroom lists it.
type mediaItem struct {
	ID                            int64
	Name, Type, Size, Dims, Thumb string
	URL, Alt, Caption, Credit     string
	Srcset, Uploaded, UploadedBy  string
	Image, MissingAlt             bool
	Width, Height                 int
	Variants                      []string
	Snippet                       string
}

// acceptTypes are what the file chooser offers.
const acceptTypes = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.pdf,.docx,.xlsx,.odt"

func mediaItemOf(m news.Media, names map[int64]string) mediaItem {
	it := mediaItem{ID: m.ID, Name: m.Filename, Type: m.MIME, Size: humanSize(m.Bytes), URL: m.URL(), Alt: m.Alt,
		Caption: m.Caption, Credit: m.Credit, Image: m.Kind == news.MediaImage, Width: m.Width, Height: m.Height,
		Uploaded: m.CreatedAt.Format("2006-01-02 15:04") + " UTC", UploadedBy: names[m.UploadedBy]}
	if it.Image {
		it.Dims = fmt.Sprintf("%d × %d", m.Width, m.Height)
		it.Thumb = m.URL()
		if len(m.Variants) > 0 {
			it.Thumb = m.VariantURL(m.Variants[0].Width)
		}
		it.Srcset = m.Srcset()
		it.MissingAlt = strings.TrimSpace(m.Alt) == ""
		for _, v := range m.Variants {
			it.Variants = append(it.Variants, fmt.Sprintf("%d × %d", v.Width, v.Height))
		}
		src := m.URL()
		if len(m.Variants) > 0 {
			// The widest variant: sharp in the column, a fraction of the bytes.
			src = m.VariantURL(m.Variants[len(m.Variants)-1].Width)
		}
		it.Snippet = fmt.Sprintf(`<img src="%s" alt="%s">`, src, htmlAttr(m.Alt))
	} else {
		it.Type = strings.ToUpper(m.Ext)
		it.Snippet = fmt.Sprintf(`<a href="%s">%s</a>`, m.URL(), htmlAttr(m.Filename))
	}
	return it
}

// htmlAttr escapes text for a double-quoted attribute in a snippet shown
// (and itself escaped again) on the page.
func htmlAttr(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func (s *Server) mediaPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mediaView(r)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "media", p)
}

// mediaView is the library page for the request's search and page.
func (s *Server) mediaView(r *http.Request) (*page, error) {
	ctx := r.Context()
	q := r.URL.Query()
	p := s.newPage(r, "media")
	d := &mediaData{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Page: 1,
		Limit: humanSize(s.media.Limits.MaxBytes), Accept: acceptTypes}
	if d.Kind != string(news.MediaImage) && d.Kind != string(news.MediaDocument) {
		d.Kind = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 100000 {
		d.Page = n
	}
	d.Filtered = d.Query != "" || d.Kind != ""
	d.Kinds = []option{{Value: "", Label: p.L["media_all"], Selected: d.Kind == ""},
		{Value: "image", Label: p.L["media_images"], Selected: d.Kind == "image"},
		{Value: "document", Label: p.L["media_documents"], Selected: d.Kind == "document"}}
	if r.Method == http.MethodPost {
		d.Alt, d.Caption, d.Credit = r.PostForm.Get("alt"), r.PostForm.Get("caption"), r.PostForm.Get("credit")
	}
	list, total, err := s.store.ListMedia(ctx, store.MediaQuery{Search: d.Query, Kind: news.MediaKind(d.Kind),
		Limit: mediaPerPage, Offset: (d.Page - 1) * mediaPerPage})
	if err != nil {
		return nil, err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return nil, err
	}
	d.Total = total
	for _, m := range list {
		d.Items = append(d.Items, mediaItemOf(m, names))
	}
	pageURL := func(n int) string {
		v := url.Values{}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		if d.Kind != "" {
			v.Set("kind", d.Kind)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/media"
		}
		return "/admin/media?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = pageURL(d.Page - 1)
	}
	if d.Page*mediaPerPage < total {
		d.Next = pageURL(d.Page + 1)
	}
	p.Data = d
	return p, nil
}

// checkUpload reads a multipart upload no larger than the library's limit
// (plus room for the other fields) and checks its form token, as
// checkForm does for ordinary forms. A body over the limit is shown as a
// problem with the file on the library page.
func (s *Server) checkUpload(next web.HandlerFunc) web.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, s.media.Limits.MaxBytes+1<<20)
		err := r.ParseMultipartForm(8 << 20)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			p, perr := s.mediaView(r)
			if perr != nil {
				return perr
			}
			return s.invalid(w, "media", p, fieldErr("file", "the file is larger than the limit of %s", humanSize(s.media.Limits.MaxBytes)))
		}
		if err != nil {
			return web.BadRequest(fmt.Errorf("the upload could not be read: %w", err))
		}
		want := s.sessions.GetString(r.Context(), keyCSRF)
		if got := r.PostForm.Get("csrf"); want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return &web.StatusError{Status: http.StatusForbidden, Err: errors.New("form token missing or wrong: reload the page and try again")}
		}
		return next(w, r)
	})
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	defer r.MultipartForm.RemoveAll()
	ctx := r.Context()
	l := labels[s.lang(r)]
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		p, perr := s.mediaView(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "media", p, fieldErr("file", "%s", l["media_choose_file"]))
	}
	if err != nil {
		return web.BadRequest(fmt.Errorf("the upload could not be read: %w", err))
	}
	defer file.Close()
	m, created, err := s.media.Add(ctx, userOf(r), s.clientIP(r), media.Upload{Filename: header.Filename, Body: file,
		Alt: r.PostForm.Get("alt"), Caption: r.PostForm.Get("caption"), Credit: r.PostForm.Get("credit")})
	if errors.Is(err, media.ErrForbidden) {
		return errForbidden
	}
	if err != nil {
		p, perr := s.mediaView(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "media", p, err)
	}
	msg := fmt.Sprintf(l["media_uploaded"], m.Filename)
	if !created {
		msg = fmt.Sprintf(l["media_already"], m.Filename)
	}
	return s.flashRedirect(w, r, msg, "/admin/media/"+itoa(m.ID))
}

// mediaItemData is what media_item.html shows.
type mediaItemData struct {
	Item    mediaItem
	CanEdit bool
	Alt     string
	Caption string
	Credit  string
}

func (s *Server) mediaItemPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mediaItemView(r, nil)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "media_item", p)
}

// mediaItemView is one file's page, with the stored texts or, when form
// is given, the texts as submitted.
func (s *Server) mediaItemView(r *http.Request, form url.Values) (*page, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "media_item")
	p.Title = fmt.Sprintf(p.L["media_item_title"], m.Filename)
	d := &mediaItemData{Item: mediaItemOf(m, names), CanEdit: userOf(r).MayEditMedia(m), Alt: m.Alt, Caption: m.Caption, Credit: m.Credit}
	if form != nil {
		d.Alt, d.Caption, d.Credit = form.Get("alt"), form.Get("caption"), form.Get("credit")
	}
	p.Data = d
	return p, nil
}

func (s *Server) describeMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.media.Describe(r.Context(), userOf(r), s.clientIP(r), id, f.Get("alt"), f.Get("caption"), f.Get("credit"))
	switch {
	case errors.Is(err, media.ErrForbidden):
		return errForbidden
	case err != nil:
		var v *news.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		p, perr := s.mediaItemView(r, f)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "media_item", p, err)
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["media_saved"], "/admin/media/"+itoa(id))
}

// pickJSON is one file as the editor's picker lists it.
type pickJSON struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	Insert  string `json:"insert"`
	Thumb   string `json:"thumb,omitempty"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Type    string `json:"type"`
	Size    string `json:"size"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
}

// pickMedia answers the picker's search: ?q=text&kind=image|document.
func (s *Server) pickMedia(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := news.MediaKind(q.Get("kind"))
	if kind != news.MediaImage && kind != news.MediaDocument {
		kind = ""
	}
	list, total, err := s.store.ListMedia(r.Context(), store.MediaQuery{Search: q.Get("q"), Kind: kind, Limit: 48})
	if err != nil {
		return err
	}
	out := []pickJSON{}
	for _, m := range list {
		it := mediaItemOf(m, nil)
		j := pickJSON{ID: m.ID, Kind: string(m.Kind), Name: m.Filename, URL: m.URL(), Insert: m.URL(), Thumb: it.Thumb, Alt: m.Alt,
			Caption: m.Caption, Type: it.Type, Size: it.Size, Width: m.Width, Height: m.Height}
		if len(m.Variants) > 0 {
			j.Insert = m.VariantURL(m.Variants[len(m.Variants)-1].Width)
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": total})
}

// deleteMedia removes a file no article shows; one still shown is refused
// with the articles named, on the file's page.
func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.media.Delete(r.Context(), userOf(r), s.clientIP(r), id)
	var inUse *media.InUseError
	switch {
	case errors.Is(err, media.ErrForbidden):
		return errForbidden
	case errors.As(err, &inUse):
		p, perr := s.mediaItemView(r, nil)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "media_item", p, fieldErr("delete", "%s", inUse.Error()))
	case err != nil:
		return err
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["media_deleted"], m.Filename), "/admin/media")
}
