package auth

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewRecoveryCodes(t *testing.T) {
	plain, hashes, err := NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes and %d hashes, want 10 each", len(plain), len(hashes))
	}
	format := regexp.MustCompile(`^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$`)
	seen := map[string]bool{}
	for i, c := range plain {
		if !format.MatchString(c) {
			t.Errorf("code %q does not look like abcd-efgh-jkmn", c)
		}
		if strings.ContainsAny(c, "0o1li") {
			t.Errorf("code %q has an ambiguous character", c)
		}
		if seen[c] || seen[hashes[i]] {
			t.Errorf("code %d repeats", i)
		}
		seen[c], seen[hashes[i]] = true, true
		if strings.Contains(hashes[i], c) || strings.Contains(hashes[i], strings.ReplaceAll(c, "-", "")) {
			t.Errorf("hash %q contains its code", hashes[i])
		}
	}
	for _, n := range []int{0, -1, 101} {
		if _, _, err := NewRecoveryCodes(n); err == nil {
			t.Errorf("NewRecoveryCodes(%d): no error", n)
		}
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	plain, hashes, err := NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range plain {
		forms := []string{
			c,
			strings.ToUpper(c),
			strings.ReplaceAll(c, "-", ""),
			strings.ReplaceAll(c, "-", " "),
			" " + strings.ToUpper(strings.ReplaceAll(c, "-", " - ")) + "\n",
		}
		for _, f := range forms {
			if got := MatchRecoveryCode(f, hashes); got != i {
				t.Errorf("MatchRecoveryCode(%q) = %d, want %d", f, got, i)
			}
		}
	}

	other, _, err := NewRecoveryCodes(1)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]string{"", "zz", "00:00", strings.Repeat("a", 97)}, hashes...)
	for _, tt := range []struct {
		name, code string
		hashes     []string
		want       int
	}{
		{"code from another set", other[0], hashes, -1},
		{"empty", "", hashes, -1},
		{"too short", plain[0][:13], hashes, -1},
		{"too long", plain[0] + "a", hashes, -1},
		{"ambiguous character", "0" + plain[0][1:], hashes, -1},
		{"no hashes", plain[0], nil, -1},
		{"corrupt rows skipped", plain[3], corrupt, 4 + 3},
		{"only corrupt rows", plain[0], corrupt[:4], -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchRecoveryCode(tt.code, tt.hashes); got != tt.want {
				t.Errorf("MatchRecoveryCode(%q) = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}
