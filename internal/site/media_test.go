package site_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// libraryMedia records a library file as the media service would; the
// portal only needs its row to build URLs.
func (p *portal) libraryMedia(t testing.TB, name string, kind news.MediaKind, alt, caption, credit string) news.Media {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	m := news.Media{Hash: hex.EncodeToString(sum[:]), Kind: kind, MIME: "image/jpeg", Ext: "jpg", Filename: name,
		Width: 1200, Height: 800, Bytes: 345678, Alt: alt, Caption: caption, Credit: credit, CreatedAt: p.clock.Now(),
		Variants: []news.Variant{{Width: 320, Height: 213}, {Width: 640, Height: 427}, {Width: 1024, Height: 683}}}
	if kind == news.MediaDocument {
		m.MIME, m.Ext, m.Width, m.Height, m.Variants, m.Bytes = "application/pdf", "pdf", 0, 0, nil, 1536000
	}
	var err error
	if m.ID, err = p.store.InsertMedia(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// mediaArticle publishes an article in lang with a lead image, a library
// image in the body and two downloads.
func (p *portal) mediaArticle(t testing.TB, n *newsroom, lang string) (news.Article, news.Media, news.Media) {
	t.Helper()
	lead := p.libraryMedia(t, "lead-"+lang+".jpg", news.MediaImage, "Delegates at the signing table", "Library caption", "Photo: Library")
	body := p.libraryMedia(t, "body-"+lang+".jpg", news.MediaImage, "The harbour at dawn", "", "")
	pdf := p.libraryMedia(t, "通知 "+lang+".pdf", news.MediaDocument, "", "", "")
	sheet := p.libraryMedia(t, "budget-"+lang+".pdf", news.MediaDocument, "", "", "")
	a := n.publish(t, editorial.Draft{Language: lang, Channel: "news/world", Headline: "Media probe " + lang,
		BodyHTML: `<p>Text.</p><figure><img src="` + body.VariantURL(640) + `" alt="The harbour at dawn"><figcaption>Harbour</figcaption></figure>` +
			`<p><img src="https://elsewhere.example/x.png" alt="elsewhere"></p><p><img src="` + lead.URL() + `" alt=""></p>`,
		Media: &editorial.DraftMedia{LeadID: lead.ID, LeadCredit: "Photo: Our Agency", Attachments: []int64{pdf.ID, sheet.ID}}})
	return a, lead, body
}

func TestArticleMedia(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			n := p.newsroom(t)
			for _, lang := range []string{"en", "zh"} {
				a, lead, body := p.mediaArticle(t, n, lang)
				page := string(vnuGet(t, p.srv.URL, articlePath(a), http.StatusOK))
				want := []string{
					`<figure class="lead">`,
					`<img src="` + lead.URL() + `" srcset="` + lead.VariantURL(320) + ` 320w, ` + lead.VariantURL(640) + ` 640w, ` +
						lead.VariantURL(1024) + ` 1024w, ` + lead.URL() + ` 1200w" sizes="(max-width: 1000px) 100vw, 968px" width="1200" height="800" alt="Delegates at the signing table">`,
					// The article's credit replaces the library's; the caption is the library's.
					`<figcaption>Library caption <span class="credit">Photo: Our Agency</span></figcaption>`,
					`<img width="1200" height="800" srcset="` + body.VariantURL(320) + ` 320w,`,
					`src="` + body.VariantURL(640) + `" alt="The harbour at dawn">`,
					`<img src="https://elsewhere.example/x.png" alt="elsewhere">`,
					// A library image whose tag has no alt text gets the library's.
					`alt="Delegates at the signing table" srcset="` + lead.VariantURL(320) + ` 320w,`,
					map[string]string{"en": `<h2 id="downloads-h">Downloads</h2>`, "zh": `<h2 id="downloads-h">附件下载</h2>`}[lang],
					`download>通知 ` + lang + `.pdf</a> <span class="filetype">(PDF, 1.5 MB)</span>`,
				}
				for _, w := range want {
					if !strings.Contains(page, w) {
						t.Errorf("%s page lacks %s", lang, w)
					}
				}
				if strings.Index(page, "通知 "+lang) > strings.Index(page, "budget-"+lang) {
					t.Errorf("%s: downloads out of order", lang)
				}
			}
		})
	}
}
