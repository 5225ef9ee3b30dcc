package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
)

func TestTokens(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		bob := f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor, Channel: "news/china"})
		_, seq := f.auditSince(t, 0)

		tok, plain, err := f.svc.CreateToken(ctx, actor(bob), accounts.NewToken{Name: "desk script", Scopes: []string{"read", "write"}, Expires: 24 * time.Hour})
		if err != nil || !strings.HasPrefix(plain, "nd_") || tok.UserID != bob.ID || !tok.ExpiresAt.Equal(f.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("create: %+v %q %v", tok, plain, err)
		}
		if strings.Contains(tok.SecretHash, plain[len(plain)-10:]) {
			t.Error("the stored hash holds the secret")
		}
		u, got, err := f.svc.Authenticate(ctx, plain)
		if err != nil || u.ID != bob.ID || got.ID != tok.ID || strings.Join(got.Scopes, ",") != "read,write" {
			t.Fatalf("authenticate: %+v %+v %v", u, got, err)
		}
		if stored, _ := f.store.TokenByID(ctx, tok.ID); !stored.LastUsedAt.Equal(f.clock.Now()) {
			t.Errorf("last used %v", stored.LastUsedAt)
		}

		// Expired: refused from the moment of expiry.
		f.clock.Add(24*time.Hour - time.Second)
		if _, _, err := f.svc.Authenticate(ctx, plain); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		f.clock.Add(time.Second)
		if _, _, err := f.svc.Authenticate(ctx, plain); !errors.Is(err, accounts.ErrBadToken) {
			t.Errorf("expired token: %v", err)
		}

		// Revoked: only by its owner; then refused.
		_, forever, err := f.svc.CreateToken(ctx, actor(bob), accounts.NewToken{Name: "forever"})
		if err != nil {
			t.Fatal(err)
		}
		id := strings.Split(forever, "_")[1]
		if err := f.svc.RevokeToken(ctx, actor(admin), id); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("someone else revoking Bob's token: %v", err)
		}
		if _, _, err := f.svc.Authenticate(ctx, forever); err != nil {
			t.Fatalf("token before revocation: %v", err)
		}
		if err := f.svc.RevokeToken(ctx, actor(bob), id); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, forever); !errors.Is(err, accounts.ErrBadToken) {
			t.Errorf("revoked token: %v", err)
		}

		// A disabled owner's token is refused at once, and works again
		// when the owner is enabled: the status is checked on every use.
		_, other, err := f.svc.CreateToken(ctx, accounts.CLIActor, accounts.NewToken{Email: "bob@example.org", Name: "cli-made", Scopes: []string{"publish"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetStatus(ctx, actor(admin), "bob@example.org", news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, other); !errors.Is(err, accounts.ErrBadToken) {
			t.Errorf("disabled owner's token: %v", err)
		}
		if _, err := f.svc.SetStatus(ctx, actor(admin), "bob@example.org", news.UserActive); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, other); err != nil {
			t.Errorf("re-enabled owner's token: %v", err)
		}

		// Garbage, and near misses of a real token, are all one answer.
		swapped := other[:len(other)-1] + string("abcdefghijklmnopqrstuvwxyz234567"[(strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", other[len(other)-1])+1)%32])
		for _, bad := range []string{"", "nd_", "Bearer " + other, other + " ", strings.ToUpper(other), "xx" + other[2:], swapped,
			"nd_aaaaaaaaaaaaaaaa_" + strings.Repeat("a", 32), strings.Repeat("\x00", len(other)), "nd_" + strings.Repeat("é", 30)} {
			if _, _, err := f.svc.Authenticate(ctx, bad); !errors.Is(err, accounts.ErrBadToken) {
				t.Errorf("token %q: %v", bad, err)
			}
		}

		// Making tokens for others is for administrators; names and scopes
		// are checked.
		if _, _, err := f.svc.CreateToken(ctx, actor(bob), accounts.NewToken{Email: "ada@example.org", Name: "x"}); !errors.Is(err, accounts.ErrForbidden) {
			t.Errorf("Bob making Ada's token: %v", err)
		}
		if _, _, err := f.svc.CreateToken(ctx, actor(admin), accounts.NewToken{Email: "bob@example.org", Name: "for bob"}); err != nil {
			t.Errorf("administrator making Bob's token: %v", err)
		}
		for _, nt := range []struct {
			nt    accounts.NewToken
			field string
		}{
			{accounts.NewToken{Name: " "}, "name"},
			{accounts.NewToken{Name: "x", Scopes: []string{"read", "root"}}, "scopes[1]"},
			{accounts.NewToken{Name: "x", Expires: -time.Hour}, "expires"},
			{accounts.NewToken{Name: "x", Email: "nobody@example.org"}, ""},
		} {
			if _, _, err := f.svc.CreateToken(ctx, actor(admin), nt.nt); err == nil || fieldOf(err) != nt.field {
				t.Errorf("%+v: %v", nt.nt, err)
			}
		}
		f.expectAudit(t, &seq, "token.create:bob@example.org", "token.create", "token.revoke:bob@example.org",
			"token.create:bob@example.org", "user.disable", "user.enable", "token.create:bob@example.org")
	})
}
