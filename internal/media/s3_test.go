package media

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// fakeS3 is an in-process S3 server (gofakes3) with one bucket; it returns
// the media URL that names it and the environment holding its keys.
func fakeS3(t *testing.T, bucket string) (string, func(string) string) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	env := map[string]string{"AWS_ACCESS_KEY_ID": "newsdesk", "AWS_SECRET_ACCESS_KEY": "newsdesk-secret"}
	return "s3://" + bucket + "/newsroom?endpoint=" + strings.TrimPrefix(srv.URL, "http://") + "&insecure=1&region=us-east-1",
		func(k string) string { return env[k] }
}

// TestS3Files: the library works the same on an S3-compatible bucket:
// uploads land there (variants too), /media/ serves them with ranges, a
// second node (another Service on the same bucket and database) serves
// them too, and deleting removes the objects.
func TestS3Files(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, getenv := fakeS3(t, "media")
		files, err := OpenS3(ctx, u, getenv)
		if err != nil {
			t.Fatal(err)
		}
		f := newFix(t, s)
		f.svc.Files = files
		m, _ := f.upload(t, f.editor, "wide.png", "A wide test image")
		if len(m.Variants) == 0 {
			t.Fatalf("no variants: %+v", m)
		}
		if entries := storedFiles(t, f.svc.Dir); len(entries) != 0 {
			t.Errorf("files written to the folder though the bucket keeps them: %v", entries)
		}
		node2 := New(s, t.TempDir(), f.svc.Log)
		other, err := OpenS3(ctx, u, getenv)
		if err != nil {
			t.Fatal(err)
		}
		node2.Files = other
		for _, h := range []http.Handler{f.svc, node2} {
			for _, path := range []string{m.URL(), m.VariantURL(m.Variants[0].Width)} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" || rec.Body.Len() == 0 {
					t.Errorf("GET %s: %d %q %d bytes", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
				}
			}
		}
		req := httptest.NewRequest("GET", m.URL(), nil)
		req.Header.Set("Range", "bytes=0-7")
		rec := httptest.NewRecorder()
		node2.ServeHTTP(rec, req)
		if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusPartialContent || string(body) != "\x89PNG\r\n\x1a\n" {
			t.Errorf("range request: %d %q", rec.Code, body)
		}
		if _, err := f.svc.Delete(ctx, f.editor, "", m.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := files.Open(ctx, objectName(m.Hash, m.Hash+"."+m.Ext)); err == nil {
			t.Error("the object is still in the bucket after delete")
		}
	})
}

func TestOpenS3Refusals(t *testing.T) {
	u, getenv := fakeS3(t, "media")
	cases := map[string]string{
		"s3:///nobucket": "want s3://BUCKET",
		"http://bucket":  "want s3://BUCKET",
		strings.Replace(u, "media", "missing", 1): "does not exist",
	}
	for raw, want := range cases {
		if _, err := OpenS3(context.Background(), raw, getenv); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("OpenS3(%q) = %v, want an error with %q", raw, err, want)
		}
	}
}
