package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestTokenRoundTrip(t *testing.T) {
	tok, plain, err := NewToken(APITokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 3+8+1+32 || !strings.HasPrefix(plain, "nd_") {
		t.Errorf("token %q is not nd_ + 8 + _ + 32", plain)
	}
	id, secret, err := ParseToken(APITokenPrefix, plain)
	if err != nil {
		t.Fatal(err)
	}
	if id != tok.ID {
		t.Errorf("parsed id %q, stored %q", id, tok.ID)
	}
	if !EqualHash(HashSecret(secret), tok.Hash) {
		t.Error("the parsed secret does not match the stored hash")
	}
	if len(tok.Hash) != 64 || strings.Contains(tok.Hash, secret) {
		t.Errorf("stored hash %q is not a hex SHA-256", tok.Hash)
	}
	if strings.Contains(plain, tok.Hash) {
		t.Error("the token contains its hash")
	}

	tok2, plain2, err := NewToken(APITokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if tok2.ID == tok.ID || plain2 == plain || EqualHash(tok2.Hash, tok.Hash) {
		t.Error("two new tokens are alike")
	}

	if _, _, err := NewToken("ND_"); err == nil {
		t.Error("NewToken with a bad prefix: no error")
	}
}

func TestParseTokenRejects(t *testing.T) {
	const id, secret = "abcdefgh", "abcdefghijklmnopqrstuvwxyz234567"
	good := "nd_" + id + "_" + secret
	if gotID, gotSecret, err := ParseToken("nd", good); err != nil || gotID != id || gotSecret != secret {
		t.Fatalf("control token refused: %q %q %v", gotID, gotSecret, err)
	}
	tests := []struct{ name, prefix, plain string }{
		{"empty", "nd", ""},
		{"prefix only", "nd", "nd_"},
		{"other prefix", "nd", "xy_" + id + "_" + secret},
		{"upper-case prefix", "nd", "ND_" + id + "_" + secret},
		{"no prefix", "nd", "___" + id + "_" + secret},
		{"prefix given with underscore", "nd_", good},
		{"empty prefix", "", good},
		{"longer prefix expected", "ndx", good},
		{"upper-case id", "nd", "nd_ABCDEFGH_" + secret},
		{"upper-case secret", "nd", "nd_" + id + "_" + strings.ToUpper(secret)},
		{"digit 0 in id", "nd", "nd_abcdefg0_" + secret},
		{"digit 1 in secret", "nd", "nd_" + id + "_1" + secret[1:]},
		{"digit 8 in secret", "nd", "nd_" + id + "_8" + secret[1:]},
		{"padding", "nd", "nd_" + id + "_" + secret[:31] + "="},
		{"short id", "nd", "nd_abcdefg_" + secret + "a"},
		{"long id", "nd", "nd_abcdefghi_" + secret[1:]},
		{"short secret", "nd", good[:len(good)-1]},
		{"long secret", "nd", good + "a"},
		{"dash separator", "nd", "nd_" + id + "-" + secret},
		{"no separators", "nd", "nd" + id + secret + "aa"},
		{"leading space", "nd", " " + good[1:]},
		{"trailing newline", "nd", good[:len(good)-1] + "\n"},
		{"non-ASCII", "nd", "nd_" + id + "_" + secret[:30] + "é"},
		{"NUL", "nd", "nd_" + id + "_" + secret[:31] + "\x00"},
		{"Bearer header", "nd", "Bearer " + good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID, gotSecret, err := ParseToken(tt.prefix, tt.plain)
			if err == nil {
				t.Fatalf("ParseToken(%q, %q) accepted: %q, %q", tt.prefix, tt.plain, gotID, gotSecret)
			}
			if gotID != "" || gotSecret != "" {
				t.Error("parts returned with an error")
			}
			if strings.Contains(err.Error(), secret[:8]) {
				t.Errorf("error %q quotes the token", err)
			}
		})
	}
}

func TestEqualHash(t *testing.T) {
	a := HashSecret("one")
	for _, tt := range []struct {
		x, y string
		want bool
	}{
		{a, a, true},
		{a, HashSecret("two"), false},
		{a, a[:63], false},
		{"", "", true},
		{a, "", false},
	} {
		if got := EqualHash(tt.x, tt.y); got != tt.want {
			t.Errorf("EqualHash(%q, %q) = %v", tt.x, tt.y, got)
		}
	}
}

func TestLinkToken(t *testing.T) {
	plain, hash, err := NewLinkToken()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(plain)
	if err != nil || len(raw) != 32 {
		t.Errorf("link token %q: %d bytes, %v; want 32 bytes of base64url", plain, len(raw), err)
	}
	if hash != HashLinkToken(plain) || len(hash) != 64 {
		t.Errorf("hash %q does not match HashLinkToken", hash)
	}
	if HashLinkToken(plain+"x") == hash {
		t.Error("a different token hashes the same")
	}
	plain2, hash2, err := NewLinkToken()
	if err != nil {
		t.Fatal(err)
	}
	if plain2 == plain || hash2 == hash {
		t.Error("two link tokens are alike")
	}
}

func FuzzParseToken(f *testing.F) {
	f.Add("nd", "nd_abcdefgh_abcdefghijklmnopqrstuvwxyz234567")
	f.Add("nd", "nd_ABCDEFGH_abcdefghijklmnopqrstuvwxyz234567")
	f.Add("nd", "nd_abcdefgh-abcdefghijklmnopqrstuvwxyz234567")
	f.Add("nd", "")
	f.Add("", "_abcdefgh_abcdefghijklmnopqrstuvwxyz234567")
	f.Add("x_y", "x_y_abcdefgh_abcdefghijklmnopqrstuvwxyz234567")
	f.Fuzz(func(t *testing.T, prefix, plain string) {
		id, secret, err := ParseToken(prefix, plain)
		if err != nil {
			if id != "" || secret != "" {
				t.Fatal("parts returned with an error")
			}
			return
		}
		if again := prefix + "_" + id + "_" + secret; again != plain {
			t.Fatalf("accepted %q re-serialises as %q", plain, again)
		}
		if len(id) != 8 || len(secret) != 32 {
			t.Fatalf("accepted parts of lengths %d and %d", len(id), len(secret))
		}
		if _, err := tokenEncoding.DecodeString(id + secret); err != nil {
			t.Fatalf("accepted parts are not base32: %v", err)
		}
	})
}
