package ingest_test

import (
	"context"
	"strings"
	"testing"

	"newsdesk/internal/ingest"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestImportWritesChangeLog: what readers notice from an import reaches the
// change log (publish, update, unpublish); embargoed copy waits for the
// publish clock; unchanged re-imports write nothing.
func TestImportWritesChangeLog(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		kinds := func() string {
			changes, err := s.Changes(ctx, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range changes {
				if c.Kind != news.ChangeSite { // the fixture's site apply
					out = append(out, string(c.Kind))
				}
			}
			return strings.Join(out, ",")
		}
		mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Created)
		mustImport(t, im, "seed again", seedEN(t, nil), gd, ingest.Unchanged)
		mustImport(t, im, "newer", seedEN(t, func(doc map[string]any) {
			doc["versioncreated"] = "2022-09-17T08:00:00+08:00"
			doc["headlines"] = []any{map[string]any{"role": "main", "value": "Xi meets Lukashenko in Samarkand"}}
		}), gd, ingest.Updated)
		mustImport(t, im, "withheld", seedEN(t, func(doc map[string]any) {
			doc["versioncreated"] = "2022-09-18T08:00:00+08:00"
			doc["pubstatus"] = "withheld"
		}), gd, ingest.Updated)
		mustImport(t, im, "embargoed", seedEN(t, func(doc map[string]any) {
			doc["uri"] = "urn:test:embargoed"
			doc["embargoed"] = "2099-01-01T00:00:00Z"
		}), gd, ingest.Created)
		if got := kinds(); got != "publish,update,unpublish" {
			t.Errorf("change log: %s, want publish,update,unpublish", got)
		}
		if entries, err := s.AuditEntries(ctx, store.AuditQuery{Action: "article.import", Limit: 10}); err != nil || len(entries) != 4 {
			t.Errorf("audit entries for imports: %d %v", len(entries), err)
		}
	})
}
