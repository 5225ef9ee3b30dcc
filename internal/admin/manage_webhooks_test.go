package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// mgWebhookWithDelivery stores an endpoint with one failed and one
// delivered message, so the page has every part to show.
func mgWebhookWithDelivery(t *testing.T, n *newsroom) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := n.store.AddWebhook(ctx, "https://partner.example.org/hooks/news", "0123456789abcdef", n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range []store.Attempt{
		{At: n.clock.Now(), StatusCode: 500, Err: "answered 500 Internal Server Error", Status: store.DeliveryPending, Next: n.clock.Now().Add(60e9)},
		{At: n.clock.Now(), StatusCode: 204, Status: store.DeliveryDelivered},
	} {
		d, err := n.store.EnqueueDelivery(ctx, store.Delivery{WebhookID: id, Kind: store.DeliveryWebhook, Target: "https://partner.example.org/hooks/news",
			Event: "article.published", ChangeSeq: int64(i + 1), ArticleID: 7, Payload: "{}", CreatedAt: n.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.store.RecordAttempt(ctx, d, a); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// TestManageWebhooks: an administrator adds endpoints (a chosen secret or a
// generated one shown once), sees their health and the delivery log, and
// removes one; bad input changes nothing; others may not see the page.
func TestManageWebhooks(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)
			mgWant(t, "empty", b.get("/admin/webhooks"), http.StatusOK, "No endpoint yet.", "Nothing delivered yet.", "None configured.")

			// Refused input names the field and stores nothing.
			for _, tc := range []struct{ url, secret, want string }{
				{"ftp://partner.example.org/", "", "Enter an absolute http or https URL"},
				{"/relative", "", "Enter an absolute http or https URL"},
				{"https://user:pw@partner.example.org/", "", "Enter an absolute http or https URL"},
				{"https://partner.example.org/", "short", "at least 16 characters"},
			} {
				p := mgSubmit(b, "/admin/webhooks", "/admin/webhooks", mgForm("url", tc.url, "secret", tc.secret))
				mgWant(t, "refused "+tc.url, p, http.StatusUnprocessableEntity, tc.want)
				if !strings.Contains(p.body, `aria-invalid="true"`) {
					t.Errorf("refused %s: no field marked invalid", tc.url)
				}
			}
			if hooks, _ := n.store.Webhooks(ctx); len(hooks) != 0 {
				t.Fatalf("refused input stored %+v", hooks)
			}

			// A generated secret is shown once.
			p := mgSubmit(b, "/admin/webhooks", "/admin/webhooks", mgForm("url", "https://a.example.org/hook", "secret", ""))
			shown := mgRedirected(t, b, "add", p, "/admin/webhooks")
			m := regexp.MustCompile(`shown only now\): ([0-9a-f]{64})`).FindStringSubmatch(shown.body)
			if m == nil {
				t.Fatalf("no generated secret shown:\n%s", shown.body)
			}
			hooks, _ := n.store.Webhooks(ctx)
			if len(hooks) != 1 || hooks[0].Secret != m[1] || hooks[0].URL != "https://a.example.org/hook" {
				t.Fatalf("stored %+v", hooks)
			}
			if strings.Contains(b.get("/admin/webhooks").body, m[1]) {
				t.Error("the secret is shown again")
			}
			if e := mgAudit(t, n, "webhook.add"); e.Details["url"] != "https://a.example.org/hook" || strings.Contains(fmt.Sprint(e.Details), m[1]) {
				t.Errorf("audit %+v", e)
			}

			// Health and the delivery log.
			id := mgWebhookWithDelivery(t, n)
			mgWant(t, "log", b.get("/admin/webhooks"), http.StatusOK, "https://partner.example.org/hooks/news",
				"answered 204", "article.published", "delivered", "Delivery log, newest first")

			// Removal takes the log with it.
			p = mgSubmit(b, "/admin/webhooks", fmt.Sprintf("/admin/webhooks/%d/delete", id), nil)
			mgWant(t, "removed", mgRedirected(t, b, "remove", p, "/admin/webhooks"), http.StatusOK, "Endpoint https://partner.example.org/hooks/news and its delivery log removed.")
			if log, _ := n.store.Deliveries(ctx, store.DeliveryQuery{}); len(log) != 0 {
				t.Errorf("log after removal: %+v", log)
			}
			if e := mgAudit(t, n, "webhook.remove"); e.Details["url"] != "https://partner.example.org/hooks/news" {
				t.Errorf("audit %+v", e)
			}
			if p := mgSubmit(b, "/admin/webhooks", fmt.Sprintf("/admin/webhooks/%d/delete", id), nil); p.status != http.StatusNotFound {
				t.Errorf("removing twice: %d", p.status)
			}

			// Editors and subtree administrators may not manage webhooks.
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
			eb := n.browser(t)
			eb.signIn("ed@example.org")
			if p := eb.get("/admin/webhooks"); p.status != http.StatusForbidden {
				t.Errorf("an editor gets %d", p.status)
			}
			if strings.Contains(eb.get("/admin/").body, `href="/admin/webhooks"`) {
				t.Error("an editor's navigation links the webhooks page")
			}
		})
	}
}
