package store_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestEveryVisibleArticleWhole: the static export's batches hold every
// visible article (retracted ones included) once, each exactly as
// VisibleArticle loads it for its page (body, tags, downloads in order),
// whatever hidden articles sit between them in id order.
func TestEveryVisibleArticleWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := channels(t, s)
		var docs []int64
		for i := range 3 {
			id, err := s.InsertMedia(ctx, news.Media{Hash: fmt.Sprintf("%064d", i), Kind: news.MediaDocument, MIME: "application/pdf",
				Ext: "pdf", Filename: fmt.Sprintf("doc%d.pdf", i), Bytes: 1000, CreatedAt: publicNow})
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, id)
		}
		day := publicNow.Add(-24 * time.Hour)
		want := map[int64]bool{}
		for i := range 9 {
			a := article(ids["news/world"], fmt.Sprintf("item-%d", i), day.Add(time.Duration(i)*time.Minute))
			a.Tags = []string{"zeta", "alpha", fmt.Sprintf("tag %d", i)}
			a.Attachments = []int64{docs[i%3], docs[(i+1)%3]}
			switch i % 4 {
			case 1: // hidden, between visible ones
				a.Status = news.StatusDraft
			case 2:
				a.Status, a.RetractionNote, a.RetractedAt = news.StatusRetracted, "Wrong.", publicNow
				a.Corrections = []news.Correction{{At: day, Note: "Fixed a name."}}
			case 3:
				a.Tags, a.Attachments = nil, nil
				if i == 7 {
					a.EmbargoUntil = publicNow.Add(time.Hour) // hidden until then
				}
			}
			id := save(t, s, a)
			if a.Status != news.StatusDraft && a.EmbargoUntil.IsZero() {
				want[id] = true
			}
		}
		got := map[int64]bool{}
		for after := int64(0); ; {
			batch, err := s.EveryVisibleArticleWhole(ctx, publicNow, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range batch {
				if got[a.ID] {
					t.Errorf("article %d listed twice", a.ID)
				}
				got[a.ID] = true
				one, err := s.VisibleArticle(ctx, a.Language, a.ChannelPath, a.Slug, publicNow)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(a, one) {
					t.Errorf("%s: batch has\n%+v\nVisibleArticle\n%+v", a.Slug, a, one)
				}
				after = a.ID
			}
			if len(batch) < 2 {
				break
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("listed %v, want %v", got, want)
		}
	})
}
