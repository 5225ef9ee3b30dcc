package accounts_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// outbox records what would have been mailed.
type outbox struct {
	mu   sync.Mutex
	sent []string
}

func (o *outbox) Send(ctx context.Context, to, subject, body string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, to+"|"+subject+"|"+body)
	return nil
}

func TestLinksAreMailedWhenSMTPIsSet(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, "sqlite")
	box := &outbox{}
	svc := &accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: time.Now, Log: slog.New(slog.DiscardHandler),
		Issuer: "Newsdesk", Mail: box, BaseURL: "https://news.example.org"}
	_, token, err := svc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: "ada@example.org", Name: "Ada", Grants: []news.Grant{{Role: news.RoleEditor}}})
	if err != nil {
		t.Fatal(err)
	}
	reset, err := svc.ResetLink(ctx, accounts.CLIActor, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(box.sent) != 2 {
		t.Fatalf("mailed %d messages, want 2", len(box.sent))
	}
	if !strings.Contains(box.sent[0], "ada@example.org|") || !strings.Contains(box.sent[0], "https://news.example.org/admin/invite?token="+token) {
		t.Errorf("invitation mail: %q", box.sent[0])
	}
	if !strings.Contains(box.sent[1], "https://news.example.org/admin/reset?token="+reset) || !strings.Contains(box.sent[1], "重置") {
		t.Errorf("reset mail: %q", box.sent[1])
	}
	// With a password given there is no link, so nothing is mailed.
	if _, _, err := svc.AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: "bo@example.org", Name: "Bo", Password: "Tangerine-Rocket-Violin-88", Grants: []news.Grant{{Role: news.RoleEditor}}}); err != nil {
		t.Fatal(err)
	}
	if len(box.sent) != 2 {
		t.Errorf("mailed a user who set their own password")
	}
}
