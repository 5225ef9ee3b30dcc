package editorial_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// addMedia records a library file directly; the files themselves are the
// media package's business and not needed here.
func (f *fixture) addMedia(t *testing.T, name string, kind news.MediaKind, alt string) news.Media {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	m := news.Media{Hash: hex.EncodeToString(sum[:]),
		Kind: kind, MIME: "image/jpeg", Ext: "jpg", Filename: name, Width: 1200, Height: 800, Bytes: 1000, Alt: alt,
		Caption: "Library caption", Credit: "Library credit", UploadedBy: f.editor.ID, CreatedAt: f.now}
	if kind == news.MediaDocument {
		m.MIME, m.Ext, m.Width, m.Height = "application/pdf", "pdf", 0, 0
	}
	var err error
	if m.ID, err = f.s.InsertMedia(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestArticleMediaAndAltTextRule(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, dialect)
			lead := f.addMedia(t, "lead.jpg", news.MediaImage, "")
			inBody := f.addMedia(t, "in-body-photo.jpg", news.MediaImage, "")
			doc := f.addMedia(t, "policy-document.pdf", news.MediaDocument, "")

			d := draft()
			d.Channel = "news"
			d.BodyHTML = `<p>Text.</p><figure><img src="` + inBody.VariantURL(640) + `" alt=""></figure>`
			d.Media = &editorial.DraftMedia{LeadID: doc.ID, Attachments: []int64{lead.ID, 12345}}
			_, err := f.ed.Create(ctx, f.chief, "", d)
			var v *news.ValidationError
			if !errors.As(err, &v) || !strings.Contains(err.Error(), `"policy-document.pdf" is a document`) ||
				!strings.Contains(err.Error(), `"lead.jpg" is an image`) || !strings.Contains(err.Error(), "no media 12345") {
				t.Fatalf("bad media accepted: %v", err)
			}

			d.Media = &editorial.DraftMedia{LeadID: lead.ID, LeadCaption: " Own caption ", LeadCredit: "Own\n credit", Attachments: []int64{doc.ID, doc.ID}}
			a, err := f.ed.Create(ctx, f.chief, "", d)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := f.s.ArticleByID(ctx, a.ID)
			if err != nil || stored.LeadMediaID != lead.ID || stored.LeadCaption != "Own caption" || stored.LeadCredit != "Own credit" ||
				len(stored.Attachments) != 1 || stored.Attachments[0] != doc.ID {
				t.Fatalf("stored %+v %v", stored, err)
			}

			// A save that does not speak of media leaves them alone.
			d.Media = nil
			d.Headline = "Second version"
			a, err = f.ed.Save(ctx, f.chief, "", a.ID, a.Version, d, false)
			if err != nil || a.LeadMediaID != lead.ID || len(a.Attachments) != 1 {
				t.Fatalf("save without media: %+v %v", a, err)
			}

			// Publishing and scheduling are refused while images lack alt text,
			// naming each one; nothing changes.
			for _, step := range []news.Step{{Transition: news.TransitionPublish}, {Transition: news.TransitionSchedule, At: f.now.Add(time.Hour)}} {
				_, err = f.ed.Transition(ctx, f.chief, "", a.ID, step)
				var refused *news.TransitionError
				if !errors.As(err, &refused) || !errors.Is(err, news.ErrAltTextMissing) || !strings.Contains(err.Error(), `alt text is required`) ||
					!strings.Contains(err.Error(), `lead image "lead.jpg"`) || !strings.Contains(err.Error(), `"in-body-photo.jpg" in the body`) {
					t.Fatalf("%s without alt text: %v", step.Transition, err)
				}
			}
			if now, _ := f.s.ArticleByID(ctx, a.ID); now.Status != news.StatusDraft || now.Version != a.Version {
				t.Fatalf("a refused publish changed the article: %s v%d", now.Status, now.Version)
			}
			if err := f.s.UpdateMediaText(ctx, lead.ID, "Delegates at the table", "", ""); err != nil {
				t.Fatal(err)
			}
			_, err = f.ed.Transition(ctx, f.chief, "", a.ID, news.Step{Transition: news.TransitionPublish})
			if err == nil || strings.Contains(err.Error(), "lead image") || !strings.Contains(err.Error(), "in-body-photo.jpg") {
				t.Fatalf("with lead alt only: %v", err)
			}
			if err := f.s.UpdateMediaText(ctx, inBody.ID, "The signing", "", ""); err != nil {
				t.Fatal(err)
			}
			a, err = f.ed.Transition(ctx, f.chief, "", a.ID, news.Step{Transition: news.TransitionPublish})
			if err != nil || a.Status != news.StatusPublished {
				t.Fatalf("publish with alt text: %v", err)
			}

			// A published article cannot take on an image without alt text.
			bare := f.addMedia(t, "bare.jpg", news.MediaImage, "")
			d.Media = &editorial.DraftMedia{LeadID: bare.ID}
			if _, err := f.ed.Save(ctx, f.chief, "", a.ID, a.Version, d, false); !errors.As(err, &v) || !strings.Contains(err.Error(), `"bare.jpg"`) {
				t.Fatalf("live article given an image without alt: %v", err)
			}

			// Restoring a revision keeps the lead image and downloads.
			revs, err := f.s.Revisions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			d2 := editorial.Draft{Language: a.Language, Channel: a.ChannelPath, Headline: revs[len(revs)-1].Headline, BodyHTML: a.BodyHTML}
			a, err = f.ed.Save(ctx, f.chief, "", a.ID, a.Version, d2, false)
			if err != nil || a.LeadMediaID != lead.ID || len(a.Attachments) != 1 || a.Headline != "Grid operators sign accord" {
				t.Fatalf("restore: %+v %v", a, err)
			}
		})
	}
}
