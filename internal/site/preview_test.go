package site_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// mainOf is the content of a page, without the head that names it.
func mainOf(t *testing.T, body string) string {
	t.Helper()
	i, j := strings.Index(body, "<main"), strings.Index(body, "</main>")
	if i < 0 || j < i {
		t.Fatalf("no <main> in\n%s", body)
	}
	return body[i:j]
}

func checkPrivate(t *testing.T, h http.Header) {
	t.Helper()
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if xr := h.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") {
		t.Errorf("X-Robots-Tag %q, want noindex", xr)
	}
}

// TestPreview: the newsroom's preview is the published page, byte for byte
// in its content, for an article in any status; only the title says so.
func TestPreview(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			n := p.newsroom(t)
			srv := p.server()
			preview := func(a news.Article) response {
				rec := httptest.NewRecorder()
				if err := srv.Preview(rec, httptest.NewRequest("GET", "/admin/articles/1/preview", nil), a); err != nil {
					t.Fatal(err)
				}
				return response{rec.Code, rec.Result().Header, rec.Body.String()}
			}
			a := n.publish(t, editorial.Draft{Language: "zh", Channel: "news/china/industry", Headline: "风电装机创新高",
				Summary: "装机容量增长。", BodyHTML: "<p>装机容量增长。</p>", Source: "新华社", Editor: "李明", Tags: []string{"风电"}})
			p.clock.Set(p.clock.Now().Add(time.Hour))
			a = n.step(t, a, news.TransitionCorrect, "数据已更正。", time.Time{})
			published := get(t, p, articlePath(a))
			if published.status != 200 {
				t.Fatalf("published page: %d", published.status)
			}
			pv := preview(a)
			if pv.status != 200 || mainOf(t, pv.body) != mainOf(t, published.body) {
				t.Errorf("preview differs from the published page:\n--- preview\n%s\n--- published\n%s", mainOf(t, pv.body), mainOf(t, published.body))
			}
			checkPrivate(t, pv.header)
			if !strings.Contains(pv.body, "<title>预览：风电装机创新高 - ") || !strings.Contains(pv.body, `<meta name="robots" content="noindex">`) {
				t.Error("preview title or robots meta missing")
			}
			if strings.Contains(mainOf(t, pv.body), "预览") {
				t.Error("preview marks the content itself")
			}

			// A draft nobody has released, with a body not yet stored.
			draft := n.create(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Unreleased storage plan", BodyHTML: "<p>Plan.</p>"})
			draft.BodyHTML = `<p>Edited.</p><script>alert(1)</script><p onclick="x()">More.</p>`
			pv = preview(draft)
			for _, s := range []string{"<h1>Unreleased storage plan</h1>", "<title>Preview: Unreleased storage plan - ",
				`Release Date:<time datetime="2026-11-29T21:00:00&#43;08:00">2026-11-29 21:00:00</time>`, "<p>Edited.</p>"} {
				if !strings.Contains(pv.body, s) {
					t.Errorf("draft preview lacks %q", s)
				}
			}
			if strings.Contains(pv.body, "<script") || strings.Contains(pv.body, "onclick") {
				t.Error("draft preview is not sanitized")
			}
			checkPrivate(t, pv.header)
		})
	}
}

// TestPreviewLink: a signed, expiring link shows an unreleased article to
// anyone holding it, never cached nor indexed; any change to it, or time
// running out, is a 404.
func TestPreviewLink(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			p := newPortal(t, dialect)
			n := p.newsroom(t)
			srv := p.server()
			draft := n.create(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Draft hydrogen strategy", BodyHTML: "<p>Strategy.</p>"})
			other := n.create(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Other secret draft", BodyHTML: "<p>Other.</p>"})
			link, err := srv.PreviewLink(ctx, draft, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(link, "/en/preview/") || !strings.HasSuffix(link, "/") {
				t.Fatalf("link %q", link)
			}
			token := strings.TrimSuffix(strings.TrimPrefix(link, "/en/preview/"), "/")
			payload, sig, _ := strings.Cut(token, ".")
			forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(decode(t, payload), itoa(draft.ID)+".", itoa(other.ID)+".", 1))) + "." + sig
			extended := base64.RawURLEncoding.EncodeToString([]byte(decode(t, payload)+"9")) + "." + sig
			flipped := payload + "." + strings.ToUpper(sig[:4]) + sig[4:]
			if flipped == token {
				flipped = payload + "." + "AAAA" + sig[4:]
			}
			cases := []struct {
				name     string
				path     string
				advance  time.Duration
				status   int
				location string
			}{
				{"valid", link, 0, 200, ""},
				{"other language", "/zh/preview/" + token + "/", 0, 302, link},
				{"without slash", "/en/preview/" + token, 0, 301, link},
				{"another article's id", "/en/preview/" + forged + "/", 0, 404, ""},
				{"extended expiry", "/en/preview/" + extended + "/", 0, 404, ""},
				{"altered signature", "/en/preview/" + flipped + "/", 0, 404, ""},
				{"no signature", "/en/preview/" + payload + "/", 0, 404, ""},
				{"garbage", "/en/preview/not-a-token/", 0, 404, ""},
				{"no token", "/en/preview/", 0, 404, ""},
				{"just before expiry", link, time.Hour - time.Second, 200, ""},
				{"expired", link, time.Hour, 404, ""},
			}
			start := p.clock.Now()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					p.clock.Set(start.Add(c.advance))
					r := get(t, p, c.path)
					if r.status != c.status {
						t.Fatalf("GET %s: status %d, want %d", c.path, r.status, c.status)
					}
					if c.location != "" && r.header.Get("Location") != c.location {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), c.location)
					}
					checkPrivate(t, r.header)
					if got := strings.Contains(r.body, "<h1>Draft hydrogen strategy</h1>"); got != (c.status == 200) {
						t.Errorf("shows the draft = %v", got)
					}
					if strings.Contains(r.body, "Other secret draft") {
						t.Error("shows the other draft")
					}
				})
			}
			p.clock.Set(start)
			for _, bad := range []struct {
				name string
				a    news.Article
				ttl  time.Duration
			}{{"unsaved article", news.Article{Language: "en"}, time.Hour}, {"no lifetime", draft, 0}} {
				if _, err := srv.PreviewLink(ctx, bad.a, bad.ttl); err == nil {
					t.Errorf("%s: no error", bad.name)
				}
			}
			// "preview" can name no channel or page.
			if !news.IsReservedSlug("preview") {
				t.Error("preview is not a reserved slug")
			}
		})
	}
}

func decode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
