package site_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestPinnedListingPagination: a channel's pinned stories head page 1, marked,
// and are left out of the rest on every page, so the pages count right.
func TestPinnedListingPagination(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			ids := map[int]int64{}
			for i := 0; i < 22; i++ {
				r := p.importJSON(t, "news/china/industry", fmt.Sprintf(`{"uri":"urn:test:pin:%d","language":"en","headlines":[{"role":"main","value":"Industry item %02d"}],
			"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-03-%02dT08:00:00+08:00"}`, i, i, i+1))
				ids[i] = r.Article.ID
			}
			scope := store.ChannelScope("news/china/industry")
			if err := p.store.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SetPin(ctx, scope, ids[3], 1); err != nil {
					return err
				}
				return tx.SetPin(ctx, scope, ids[0], 1) // goes first, item 03 second
			}); err != nil {
				t.Fatal(err)
			}
			page1 := get(t, p, "/en/news/china/industry/")
			body := page1.body
			if n := strings.Count(body, "Industry item "); n != 22 {
				t.Errorf("page 1 lists %d articles, want the 2 pinned and 20 others", n)
			}
			if strings.Contains(body, `class="pagination"`) {
				t.Error("pinned stories are counted in the pagination")
			}
			i0, i3, i21 := strings.Index(body, "Industry item 00"), strings.Index(body, "Industry item 03"), strings.Index(body, "Industry item 21")
			if !(i0 < i3 && i3 < i21) || strings.Count(body, "Industry item 03") != 1 {
				t.Errorf("pinned order: 00 at %d, 03 at %d, 21 at %d", i0, i3, i21)
			}
			if n := strings.Count(body, `<li class="pinned">`); n != 2 {
				t.Errorf("%d items marked pinned, want 2", n)
			}
			// One more story makes a page 2 without any pinned one.
			p.importJSON(t, "news/china/industry", `{"uri":"urn:test:pin:x","language":"en","headlines":[{"role":"main","value":"Industry item 99"}],
			"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-04-01T08:00:00+08:00"}`)
			if !strings.Contains(get(t, p, "/en/news/china/industry/").body, "Page 1 of 2") {
				t.Error("page 1 does not count 21 unpinned stories as two pages")
			}
			page2 := get(t, p, "/en/news/china/industry/?page=2")
			if page2.status != 200 || strings.Count(page2.body, "Industry item ") != 1 || strings.Contains(page2.body, "pinned") ||
				!strings.Contains(page2.body, "Industry item 01") {
				t.Errorf("page 2: %d\n%s", page2.status, page2.body)
			}
		})
	}
}
