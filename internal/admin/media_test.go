package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// mdUpload loads the library page (for its form token) and uploads the
// media package's fixture file under filename with fields, as a browser's
// multipart form does.
func mdUpload(t *testing.T, b *browser, fixture, filename string, kv ...string) page {
	t.Helper()
	if p := b.get("/admin/media"); p.status != http.StatusOK {
		t.Fatalf("GET /admin/media: %d\n%s", p.status, p.body)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf())
	for i := 0; i+1 < len(kv); i += 2 {
		mw.WriteField(kv[i], kv[i+1])
	}
	if fixture != "" {
		data, err := os.ReadFile("../media/testdata/" + fixture)
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/admin/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

var mdLocation = regexp.MustCompile(`^/admin/media/(\d+)$`)

// mdUploaded uploads and returns the new file's id.
func mdUploaded(t *testing.T, b *browser, fixture, filename string, kv ...string) int64 {
	t.Helper()
	p := mdUpload(t, b, fixture, filename, kv...)
	m := mdLocation.FindStringSubmatch(p.location)
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("upload %s: %d → %q\n%s", fixture, p.status, p.location, p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestMediaLibraryPages(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n := newNewsroom(t, dialect)
			n.addUser(t, "co@example.org", "Co", news.Grant{Role: news.RoleContributor, Channel: "news/world"})
			n.addUser(t, "co2@example.org", "Co Two", news.Grant{Role: news.RoleContributor, Channel: "news/world"})
			n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
			co, co2, dan := n.browser(t), n.browser(t), n.browser(t)
			co.signIn("co@example.org")
			co2.signIn("co2@example.org")
			dan.signIn("dan@example.org")

			// A contributor uploads; the library shows it with its missing alt text.
			id := mdUploaded(t, co, "photo-gps.jpg", "Beijing 会议.jpg", "caption", "Delegates arrive", "credit", "Photo: Co")
			p := co.get(fmt.Sprintf("/admin/media/%d", id))
			mdWant(t, p, http.StatusOK, "Beijing 会议.jpg was uploaded.", "600 × 800", "320 × 427", "This image has no alt text", "Delegates arrive", `<img src="/media/`)
			m, err := n.store.MediaByID(ctx, id)
			if err != nil || m.UploadedBy == 0 || m.Credit != "Photo: Co" {
				t.Fatalf("stored %+v %v", m, err)
			}
			// The file is served with the stripped, upright bytes.
			res, err := http.Get(n.srv.URL + m.URL())
			if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("GET %s: %v %v", m.URL(), res, err)
			}
			res.Body.Close()

			// The same bytes again lead to the same file.
			p = mdUpload(t, dan, "photo-gps.jpg", "again.jpg")
			if p.location != fmt.Sprintf("/admin/media/%d", id) {
				t.Fatalf("re-upload went to %q", p.location)
			}
			mdWant(t, dan.get(p.location), http.StatusOK, "is already in the library")

			// Refusals show the form again with the reason, and store nothing.
			mdWant(t, mdUpload(t, co, "page.jpg", "page.jpg", "alt", "kept alt"), http.StatusUnprocessableEntity,
				`"page.jpg": not a JPEG, PNG, GIF or WebP image`, `value="kept alt"`)
			mdWant(t, mdUpload(t, co, "not-office.docx", "report.docx"), http.StatusUnprocessableEntity, "not a DOCX, XLSX or ODT")
			mdWant(t, mdUpload(t, co, "bomb.png", "bomb.png"), http.StatusUnprocessableEntity, "100000×100000")
			mdWant(t, mdUpload(t, co, "", ""), http.StatusUnprocessableEntity, "Choose a file to upload.")
			n.media.Limits.MaxBytes = 4 << 10
			mdWant(t, mdUpload(t, co, "photo-gps.jpg", "x.jpg"), http.StatusUnprocessableEntity, "larger than the limit of 4.0 KB")
			n.media.Limits.MaxBytes = 20 << 20
			if _, total, _ := n.store.ListMedia(ctx, store.MediaQuery{}); total != 1 {
				t.Fatalf("%d files after refusals, want 1", total)
			}

			docID := mdUploaded(t, dan, "notice.docx", "通知.docx")

			// Describing: another contributor may not; an editor may.
			mdWant(t, co2.get(fmt.Sprintf("/admin/media/%d", id)), http.StatusOK, "Only the uploader or an editor")
			if p := mgSubmit(co2, fmt.Sprintf("/admin/media/%d", id), fmt.Sprintf("/admin/media/%d", id), mgForm("alt", "x", "caption", "", "credit", "")); p.status != http.StatusForbidden {
				t.Fatalf("other contributor describes: %d", p.status)
			}
			mdWant(t, mgSubmit(co, fmt.Sprintf("/admin/media/%d", id), fmt.Sprintf("/admin/media/%d", id),
				mgForm("alt", strings.Repeat("x", 1001), "caption", "c", "credit", "")), http.StatusUnprocessableEntity, "at most 1000")

			// Search by name and caption, filter by kind.
			mdWant(t, co.get("/admin/media?q=delegates"), http.StatusOK, "Beijing 会议.jpg", "Library (1)")
			mdWant(t, co.get("/admin/media?q=%E9%80%9A%E7%9F%A5"), http.StatusOK, "通知.docx", "Library (1)")
			mdWant(t, co.get("/admin/media?kind=document"), http.StatusOK, "通知.docx", "Library (1)")
			mdWant(t, co.get("/admin/media?q=nothing-like-this"), http.StatusOK, "No file matches.")
			p = co.get("/admin/media/pick?q=beijing")
			var picked struct {
				Items []struct {
					ID     int64  `json:"id"`
					Insert string `json:"insert"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(p.body), &picked); err != nil || len(picked.Items) != 1 || picked.Items[0].ID != id ||
				picked.Items[0].Insert != m.VariantURL(320) {
				t.Fatalf("pick: %s %v", p.body, err)
			}

			// The editor without JavaScript: choose the lead image and a download
			// in the form; publishing waits for the alt text.
			form := arForm("With a photo", "news/world", "en", "<p>Text.</p>", "media_fields", "1", "lead_media", strconv.FormatInt(id, 10),
				"lead_caption", "", "lead_credit", "Photo: Agency")
			form.Add("attachments", strconv.FormatInt(docID, 10))
			aid := arCreate(t, dan, form)
			a := arArticle(t, n, aid)
			if a.LeadMediaID != id || a.LeadCredit != "Photo: Agency" || len(a.Attachments) != 1 || a.Attachments[0] != docID {
				t.Fatalf("article media %+v", a)
			}
			edit := dan.get(fmt.Sprintf("/admin/articles/%d", aid))
			mdWant(t, edit, http.StatusOK, fmt.Sprintf(`<option value="%d" selected>Beijing 会议.jpg ⚠</option>`, id),
				fmt.Sprintf(`value="%d" checked> 通知.docx`, docID), `value="Photo: Agency"`)
			mdWant(t, arTransition(dan, aid, "publish"), http.StatusUnprocessableEntity,
				`alt text is required before publishing: add it to the lead image "Beijing 会议.jpg" in the media library`)
			if p := mgSubmit(co, fmt.Sprintf("/admin/media/%d", id), fmt.Sprintf("/admin/media/%d", id),
				mgForm("alt", "Delegates at the door", "caption", "Delegates arrive", "credit", "Photo: Co")); p.status != http.StatusSeeOther {
				t.Fatalf("describe: %d\n%s", p.status, p.body)
			}
			if p := arTransition(dan, aid, "publish"); p.status != http.StatusSeeOther {
				t.Fatalf("publish with alt text: %d\n%s", p.status, p.body)
			}
			// A save without the media fields (an old form) keeps them.
			saved := mgSubmit(dan, fmt.Sprintf("/admin/articles/%d", aid), fmt.Sprintf("/admin/articles/%d", aid), arFormOf(arArticle(t, n, aid), "headline", "With a photo, saved"))
			if saved.status != http.StatusSeeOther || arArticle(t, n, aid).LeadMediaID != id {
				t.Fatalf("save without media fields: %d", saved.status)
			}
			// Removing the lead and the download.
			f := arFormOf(arArticle(t, n, aid), "media_fields", "1", "lead_media", "")
			if p := mgSubmit(dan, fmt.Sprintf("/admin/articles/%d", aid), fmt.Sprintf("/admin/articles/%d", aid), f); p.status != http.StatusSeeOther {
				t.Fatalf("remove media: %d\n%s", p.status, p.body)
			}
			if a := arArticle(t, n, aid); a.LeadMediaID != 0 || len(a.Attachments) != 0 {
				t.Fatalf("after removing: %+v", a)
			}
			// Deleting: refused while an article shows the file (the download
			// was removed above, the body never had it), allowed after.
			editPath := fmt.Sprintf("/admin/articles/%d", aid)
			f = arFormOf(arArticle(t, n, aid), "media_fields", "1", "lead_media", strconv.FormatInt(id, 10))
			if p := mgSubmit(dan, editPath, editPath, f); p.status != http.StatusSeeOther {
				t.Fatalf("set lead again: %d\n%s", p.status, p.body)
			}
			item := fmt.Sprintf("/admin/media/%d", id)
			mdWant(t, mgSubmit(co2, item, item+"/delete", nil), http.StatusForbidden)
			mdWant(t, mgSubmit(dan, item, item+"/delete", nil), http.StatusUnprocessableEntity,
				`"Beijing 会议.jpg" is still shown by "With a photo, saved" (lead)`)
			mdWant(t, mgSubmit(dan, fmt.Sprintf("/admin/media/%d", docID), fmt.Sprintf("/admin/media/%d/delete", docID), nil), http.StatusSeeOther)
			if _, err := n.store.MediaByID(ctx, docID); err == nil {
				t.Fatal("the deleted document is still there")
			}

			// A document is no lead image.
			doc2 := mdUploaded(t, dan, "letter.odt", "letter.odt")
			f = arFormOf(arArticle(t, n, aid), "media_fields", "1", "lead_media", strconv.FormatInt(doc2, 10))
			mdWant(t, mgSubmit(dan, editPath, editPath, f), http.StatusUnprocessableEntity, "is a document, not an image")
		})
	}
}

// mdWant checks a page's status and that its text holds each part.
func mdWant(t *testing.T, p page, status int, parts ...string) {
	t.Helper()
	mgWant(t, "media page", p, status, parts...)
}
