package admin_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// TestPasswordChangeOutlivesResurrectedSession: a request in flight during a
// password change can write its session row back after the change deleted
// it; that session must still be over at its next request.
func TestPasswordChangeOutlivesResurrectedSession(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, "sqlite")
	u := n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	a, b := n.browser(t), n.browser(t)
	a.signIn("ada@example.org")
	sessions, err := n.store.UserSessions(ctx, u.ID, n.clock.Now())
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions after sign-in: %v %v", sessions, err)
	}
	old := sessions[0]
	data, _, err := n.store.SessionData(ctx, old.TokenHash, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}

	n.clock.Add(5 * time.Second)
	b.signIn("ada@example.org")
	b.get("/admin/account")
	if p := b.post("/admin/account/password", url.Values{"current": {testPassword}, "password": {"Another-Long-Passphrase-42"}}); p.status != 303 {
		t.Fatalf("password change: %d\n%s", p.status, p.body)
	}
	// The in-flight request of browser a commits its session after the change.
	if err := n.store.SaveSession(ctx, store.Session{TokenHash: old.TokenHash, UserID: u.ID, Expiry: old.Expiry, LastSeen: n.clock.Now()}, data); err != nil {
		t.Fatal(err)
	}
	if p := a.get("/admin/"); p.status != 303 || p.location != "/admin/login" {
		t.Errorf("resurrected session after password change: %d → %q, want a redirect to sign in", p.status, p.location)
	}
	if p := b.get("/admin/"); p.status != 200 {
		t.Errorf("the session that changed the password: %d, want 200", p.status)
	}
}
