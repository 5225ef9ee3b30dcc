package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

type fix struct {
	s       *store.Store
	svc     *Service
	editor  news.User
	contrib news.User
	other   news.User
}

func newFix(t *testing.T, s *store.Store) *fix {
	t.Helper()
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	svc := New(s, t.TempDir(), slog.New(slog.DiscardHandler))
	svc.Now = func() time.Time { return now }
	mk := func(email string, grants ...news.Grant) news.User {
		u := news.User{Email: email, Name: email, Status: news.UserActive, Grants: grants}
		id, err := s.CreateUser(context.Background(), u, now)
		if err != nil {
			t.Fatal(err)
		}
		u.ID = id
		return u
	}
	return &fix{s: s, svc: svc,
		editor:  mk("ed@example.org", news.Grant{Role: news.RoleEditor, Channel: "news"}),
		contrib: mk("co@example.org", news.Grant{Role: news.RoleContributor, Channel: "news"}),
		other:   mk("co2@example.org", news.Grant{Role: news.RoleContributor, Channel: "news"}),
	}
}

func (f *fix) upload(t *testing.T, u news.User, file, alt string) (news.Media, bool) {
	t.Helper()
	m, created, err := f.svc.Add(context.Background(), u, "192.0.2.1", Upload{Filename: file, Body: bytes.NewReader(fixture(t, file)), Alt: alt, Caption: "Caption of " + file, Credit: "Photo: Newsdesk"})
	if err != nil {
		t.Fatalf("upload %s: %v", file, err)
	}
	return m, created
}

// storedFiles lists the files under the media folder, relative to it.
func storedFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	return out
}

func TestUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFix(t, s)
		ctx := context.Background()
		m, created := f.upload(t, f.contrib, "photo-gps.jpg", "A test card")
		if !created || m.ID == 0 || m.Kind != news.MediaImage || m.MIME != "image/jpeg" || m.Width != 600 || m.Height != 800 ||
			m.Filename != "photo-gps.jpg" || m.Alt != "A test card" || m.UploadedBy != f.contrib.ID {
			t.Fatalf("uploaded %+v", m)
		}
		if len(m.Variants) != 1 || m.Variants[0].Width != 320 || m.Variants[0].Height != 427 {
			t.Fatalf("variants %+v", m.Variants)
		}
		files := storedFiles(t, f.svc.Dir)
		want := []string{filepath.Join(m.Hash[:2], m.Hash+"-320.jpg"), filepath.Join(m.Hash[:2], m.Hash+".jpg")}
		if strings.Join(files, ",") != strings.Join(want, ",") {
			t.Fatalf("stored %v, want %v", files, want)
		}
		stored, err := os.ReadFile(filepath.Join(f.svc.Dir, want[1]))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(stored, []byte("GPS")) || bytes.Contains(stored, []byte("Exif")) || int64(len(stored)) != m.Bytes {
			t.Fatal("the stored file keeps EXIF/GPS or its size is not recorded")
		}

		// The same bytes again: the same media, no second row or file.
		again, created := f.upload(t, f.editor, "photo-gps.jpg", "other alt")
		if created || again.ID != m.ID || again.Hash != m.Hash || again.Alt != "A test card" {
			t.Fatalf("re-upload gave %+v (created %v), want media %d unchanged", again, created, m.ID)
		}
		if n := len(storedFiles(t, f.svc.Dir)); n != 2 {
			t.Fatalf("%d files after re-upload, want 2", n)
		}
		list, total, err := s.ListMedia(ctx, store.MediaQuery{})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("ListMedia: %d rows, total %d, %v", len(list), total, err)
		}

		doc, _ := f.upload(t, f.editor, "notice.docx", "")
		if doc.Kind != news.MediaDocument || doc.Ext != "docx" || len(doc.Variants) != 0 {
			t.Fatalf("document %+v", doc)
		}
		for _, q := range []struct {
			search string
			kind   news.MediaKind
			want   int
		}{{"", "", 2}, {"GPS", "", 1}, {"caption of notice", "", 1}, {"", news.MediaDocument, 1}, {"100%", "", 0}, {"newsdesk", news.MediaImage, 1}} {
			list, total, err := s.ListMedia(ctx, store.MediaQuery{Search: q.search, Kind: q.kind})
			if err != nil || total != q.want || len(list) != q.want {
				t.Errorf("search %q kind %q: %d (total %d), want %d: %v", q.search, q.kind, len(list), total, q.want, err)
			}
		}
		entries, err := s.AuditEntries(ctx, store.AuditQuery{})
		if err == nil {
			n := 0
			for _, e := range entries {
				if e.Action == "media.upload" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d media.upload audit entries, want 2", n)
			}
		}
	})
}

func TestUploadRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFix(t, s)
		ctx := context.Background()
		tests := []struct {
			name  string
			actor news.User
			file  string
			alt   string
			field string
			msg   string
		}{
			{"html named jpg", f.editor, "page.jpg", "", "file", `"page.jpg": not a JPEG`},
			{"zip named docx", f.editor, "not-office.docx", "", "file", "not a DOCX"},
			{"png bomb", f.editor, "bomb.png", "", "file", "100000×100000"},
			{"alt too long", f.editor, "wide.png", strings.Repeat("a", 1001), "alt", "at most 1000"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := f.svc.Add(ctx, tt.actor, "", Upload{Filename: tt.file, Body: bytes.NewReader(fixture(t, tt.file)), Alt: tt.alt})
				var v *news.ValidationError
				if !errors.As(err, &v) || v.Fields[0].Path != tt.field || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v, want a validation error on %s saying %q", err, tt.field, tt.msg)
				}
			})
		}
		f.svc.Limits.MaxBytes = 1000
		if _, _, err := f.svc.Add(ctx, f.editor, "", Upload{Filename: "p.jpg", Body: bytes.NewReader(fixture(t, "photo-gps.jpg"))}); err == nil ||
			!strings.Contains(err.Error(), "larger than the limit") {
			t.Fatalf("oversized upload: %v", err)
		}
		if _, _, err := f.svc.Add(ctx, news.User{ID: 99, Status: news.UserActive}, "", Upload{Filename: "a.png", Body: bytes.NewReader(fixture(t, "wide.png"))}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("user without a role: %v", err)
		}
		if _, total, _ := s.ListMedia(ctx, store.MediaQuery{}); total != 0 {
			t.Fatalf("%d media stored after refusals", total)
		}
		if files := storedFiles(t, f.svc.Dir); len(files) != 0 {
			t.Fatalf("files left after refusals: %v", files)
		}
	})
}

func TestDescribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFix(t, s)
		ctx := context.Background()
		m, _ := f.upload(t, f.contrib, "wide.png", "")
		if _, err := f.svc.Describe(ctx, f.other, "", m.ID, "x", "", ""); !errors.Is(err, ErrForbidden) {
			t.Fatalf("another contributor describes: %v", err)
		}
		got, err := f.svc.Describe(ctx, f.editor, "", m.ID, "  A wide\n gradient ", "Cap", "Credit")
		if err != nil || got.Alt != "A wide gradient" {
			t.Fatalf("Describe: %+v %v", got, err)
		}
		back, err := s.MediaByID(ctx, m.ID)
		if err != nil || back.Alt != "A wide gradient" || back.Caption != "Cap" || back.Credit != "Credit" {
			t.Fatalf("stored %+v %v", back, err)
		}
		if _, err := f.svc.Describe(ctx, f.editor, "", m.ID+100, "x", "", ""); !errors.Is(err, news.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

func TestServe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFix(t, s)
		img, _ := f.upload(t, f.editor, "wide.png", "alt")
		doc, _, err := f.svc.Add(context.Background(), f.editor, "", Upload{Filename: `C:\docs\会议 "通知".html`, Body: bytes.NewReader(fixture(t, "notice.pdf"))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(f.svc)
		defer srv.Close()
		tests := []struct {
			path, ctype, disposition string
			status                   int
			body                     []byte
		}{
			{img.URL(), "image/png", "inline", 200, nil},
			{img.VariantURL(640), "image/png", "inline", 200, nil},
			{doc.URL(), "application/pdf", "attachment", 200, fixture(t, "notice.pdf")},
			{img.VariantURL(700), "", "", 404, nil},
			{"/media/" + img.Hash + ".jpg", "", "", 404, nil},
			{"/media/" + strings.Repeat("0", 64) + ".png", "", "", 404, nil},
			{"/media/../media.db", "", "", 404, nil},
			{"/media/", "", "", 404, nil},
		}
		for _, tt := range tests {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.path, res.StatusCode, tt.status)
				continue
			}
			if tt.status != 200 {
				continue
			}
			h := res.Header
			if h.Get("Content-Type") != tt.ctype || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("%s: headers %v", tt.path, h)
			}
			disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
			if err != nil || disp != tt.disposition {
				t.Errorf("%s: Content-Disposition %q (%v)", tt.path, h.Get("Content-Disposition"), err)
			}
			if disp == "attachment" && params["filename"] != "会议 通知.pdf" {
				t.Errorf("%s: download name %q, want the cleaned upload name with the sniffed extension", tt.path, params["filename"])
			}
			if tt.body != nil && !bytes.Equal(body, tt.body) {
				t.Errorf("%s: body differs from the upload", tt.path)
			}
		}
		req, _ := http.NewRequest("GET", srv.URL+img.URL(), nil)
		req.Header.Set("If-None-Match", `"`+img.Hash+`"`)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
		}
	})
}

func TestDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFix(t, s)
		ctx := context.Background()
		m, _ := f.upload(t, f.contrib, "wide.png", "A gradient")
		doc, _ := f.upload(t, f.editor, "notice.pdf", "")
		if _, err := f.svc.Delete(ctx, f.other, "", m.ID); !errors.Is(err, ErrForbidden) {
			t.Fatalf("another contributor deletes: %v", err)
		}
		// Shown in a body, as a download: refused, naming the articles.
		channel, _, err := s.UpsertChannel(ctx, news.Channel{Slug: "news", Path: "news", Name: news.Localized{"en": "News"}})
		if err != nil {
			t.Fatal(err)
		}
		a := news.Article{Language: "en", ChannelID: channel, Headline: "Uses both", Slug: "uses-both", Status: news.StatusDraft,
			BodyHTML: `<p><img src="` + m.VariantURL(320) + `" alt="x"></p>`, Attachments: []int64{doc.ID}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if _, err := s.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{m.ID, doc.ID} {
			_, err := f.svc.Delete(ctx, f.editor, "", id)
			var inUse *InUseError
			if !errors.As(err, &inUse) || !strings.Contains(err.Error(), `"Uses both"`) {
				t.Fatalf("delete %d in use: %v", id, err)
			}
		}
		if len(storedFiles(t, f.svc.Dir)) != 5 {
			t.Fatal("a refused delete removed files")
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM articles`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Delete(ctx, f.contrib, "", m.ID); err != nil {
			t.Fatalf("uploader deletes: %v", err)
		}
		if _, err := s.MediaByID(ctx, m.ID); !errors.Is(err, news.ErrNotFound) {
			t.Fatalf("record still there: %v", err)
		}
		if files := storedFiles(t, f.svc.Dir); len(files) != 1 || !strings.HasSuffix(files[0], ".pdf") {
			t.Fatalf("files left: %v", files)
		}
		// Uploading the same bytes again brings it back whole.
		again, created := f.upload(t, f.editor, "wide.png", "Again")
		if !created || again.Hash != m.Hash || len(storedFiles(t, f.svc.Dir)) != 5 {
			t.Fatalf("re-upload after delete: %+v %v", again, created)
		}
	})
}
