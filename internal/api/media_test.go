package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"newsdesk/internal/store/storetest"
)

// upload posts a multipart form with the media package's fixture file.
func (f *fixture) upload(t *testing.T, token, fixture, filename string, fields map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
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
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("upload: not JSON: %s", data)
	}
	return res.StatusCode, res.Header, doc
}

func TestMediaAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f := newNewsroomFixture(t, dialect)
			contrib, chief := f.tokens["contrib"], f.tokens["chief"]

			status, h, doc := f.upload(t, contrib, "photo-gps.jpg", "IMG_0001.JPG", map[string]string{"alt": "A gradient", "caption": "Test card"})
			if status != 201 || h.Get("Location") != fmt.Sprintf("/api/v1/media/%v", doc["id"]) || doc["kind"] != "image" ||
				doc["mime"] != "image/jpeg" || doc["width"] != float64(600) || doc["height"] != float64(800) || doc["alt"] != "A gradient" {
				t.Fatalf("upload: %d %v %v", status, h, doc)
			}
			if v := doc["variants"].([]any); len(v) != 1 || !strings.Contains(doc["srcset"].(string), " 320w, ") {
				t.Fatalf("variants %v srcset %v", v, doc["srcset"])
			}
			id := doc["id"]
			// The same bytes again: 200 and the same record.
			status, _, again := f.upload(t, chief, "photo-gps.jpg", "other.jpg", nil)
			if status != 200 || again["id"] != id || again["filename"] != "IMG_0001.JPG" {
				t.Fatalf("re-upload: %d %v", status, again)
			}

			refused := []struct {
				name, token, fixture, filename string
				fields                         map[string]string
				status                         int
				detail                         string
			}{
				{"html named jpg", chief, "page.jpg", "page.jpg", nil, 422, "not a JPEG"},
				{"bomb", chief, "bomb.png", "bomb.png", nil, 422, "100000×100000"},
				{"no file", chief, "", "", map[string]string{"alt": "x"}, 422, "no file"},
				{"no token", "", "wide.png", "wide.png", nil, 401, ""},
				{"read-only token", f.tokens["editor-read"], "wide.png", "wide.png", nil, 403, "write scope"},
			}
			for _, c := range refused {
				t.Run(c.name, func(t *testing.T) {
					status, h, doc := f.upload(t, c.token, c.fixture, c.filename, c.fields)
					if status != c.status || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") ||
						!strings.Contains(fmt.Sprint(doc["detail"]), c.detail) {
						t.Fatalf("%d %v, want %d with %q", status, doc, c.status, c.detail)
					}
				})
			}
			f.lib.Limits.MaxBytes = 10 << 10
			if status, _, doc := f.upload(t, chief, "photo-gps.jpg", "big.jpg", nil); status != 413 && status != 422 {
				t.Fatalf("oversized: %d %v", status, doc)
			}

			status, _, doc = f.upload(t, chief, "notice.docx", "Notice.docx", nil)
			if status != 201 || doc["kind"] != "document" {
				t.Fatalf("document: %d %v", status, doc)
			}
			docID := doc["id"]

			status, _, list := f.call(t, "GET", "/api/v1/media?q=img_0001", f.tokens["editor-read"], nil)
			if status != 200 || list["total"] != float64(1) {
				t.Fatalf("search: %d %v", status, list)
			}
			status, _, list = f.call(t, "GET", "/api/v1/media?kind=document", chief, nil)
			if status != 200 || list["total"] != float64(1) || list["media"].([]any)[0].(map[string]any)["id"] != docID {
				t.Fatalf("kind filter: %d %v", status, list)
			}
			if status, _, p := f.call(t, "GET", "/api/v1/media?kind=video", chief, nil); status != 422 {
				t.Fatalf("bad kind: %d %v", status, p)
			}
			if status, _, one := f.call(t, "GET", fmt.Sprintf("/api/v1/media/%v", id), chief, nil); status != 200 || one["id"] != id {
				t.Fatalf("get: %d %v", status, one)
			}
			if status, _, p := f.call(t, "GET", "/api/v1/media/99999", chief, nil); status != 404 {
				t.Fatalf("missing: %d %v", status, p)
			}

			// An article takes the image as lead and the document as download;
			// publishing waits for alt text, which the image has.
			status, _, a := f.send(t, "POST", "/api/v1/articles", chief, fmt.Sprintf(
				`{"language":"en","channel":"news/world","headline":"With media","body_html":"<p>x</p>","lead_media_id":%v,"lead_credit":"Agency","attachments":[%v]}`, id, docID))
			if status != 201 || a["lead_media_id"] != id || a["lead_credit"] != "Agency" || fmt.Sprint(a["attachments"]) != fmt.Sprintf("[%v]", docID) {
				t.Fatalf("article with media: %d %v", status, a)
			}
			status, _, a = f.send(t, "PATCH", fmt.Sprintf("/api/v1/articles/%v", a["id"]), chief, `{"version":1,"headline":"Renamed"}`)
			if status != 200 || a["lead_media_id"] != id {
				t.Fatalf("patch kept media: %d %v", status, a)
			}
			status, _, p := f.send(t, "PATCH", fmt.Sprintf("/api/v1/articles/%v", a["id"]), chief, fmt.Sprintf(`{"version":2,"lead_media_id":%v}`, docID))
			if status != 422 || !strings.Contains(fmt.Sprint(p["detail"]), "is a document") {
				t.Fatalf("document as lead: %d %v", status, p)
			}
			status, _, a = f.send(t, "POST", fmt.Sprintf("/api/v1/articles/%v/transitions", a["id"]), chief, `{"transition":"publish"}`)
			if status != 200 || a["status"] != "published" {
				t.Fatalf("publish: %d %v", status, a)
			}

			// Deleting: refused while an article shows the file, allowed after.
			status, _, p = f.send(t, "DELETE", fmt.Sprintf("/api/v1/media/%v", docID), chief, "")
			if status != 409 || !strings.Contains(fmt.Sprint(p["detail"]), `"Renamed" (attachment)`) {
				t.Fatalf("delete in use: %d %v", status, p)
			}
			status, _, a = f.send(t, "PATCH", fmt.Sprintf("/api/v1/articles/%v", a["id"]), chief, fmt.Sprintf(`{"version":%v,"attachments":[]}`, a["version"]))
			if status != 200 || fmt.Sprint(a["attachments"]) != "[]" {
				t.Fatalf("remove attachment: %d %v", status, a)
			}
			if status, _, p := f.send(t, "DELETE", fmt.Sprintf("/api/v1/media/%v", docID), f.tokens["editor-read"], ""); status != 403 {
				t.Fatalf("delete with a read token: %d %v", status, p)
			}
			if status, _, p := f.send(t, "DELETE", fmt.Sprintf("/api/v1/media/%v", docID), chief, ""); status != 200 || p["id"] != docID {
				t.Fatalf("delete: %d %v", status, p)
			}
			if status, _, p := f.call(t, "GET", fmt.Sprintf("/api/v1/media/%v", docID), chief, nil); status != 404 {
				t.Fatalf("deleted file: %d %v", status, p)
			}
		})
	}
}

// TestMediaAPIAltTextRefusal: publishing through the API is refused with a
// problem naming the image that has no alt text.
func TestMediaAPIAltTextRefusal(t *testing.T) {
	f := newNewsroomFixture(t, "sqlite")
	chief := f.tokens["chief"]
	_, _, img := f.upload(t, chief, "wide.png", "wide.png", nil)
	_, _, a := f.send(t, "POST", "/api/v1/articles", chief, fmt.Sprintf(`{"language":"en","channel":"news/world","headline":"No alt","lead_media_id":%v}`, img["id"]))
	status, _, p := f.send(t, "POST", fmt.Sprintf("/api/v1/articles/%v/transitions", a["id"]), chief, `{"transition":"publish"}`)
	if status != 409 || p["type"] != "urn:newsdesk:problem:transition-refused" || !strings.Contains(fmt.Sprint(p["detail"]), `alt text is required before publishing: add it to the lead image "wide.png"`) {
		t.Fatalf("publish without alt: %d %v", status, p)
	}
}
