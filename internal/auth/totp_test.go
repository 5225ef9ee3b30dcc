package auth

import (
	"bytes"
	"encoding/base32"
	"image/png"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// fixedSecret is the RFC 6238 test key "12345678901234567890" in base32.
const fixedSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{
		Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestValidateTOTP(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	step := now.Unix() / 30
	tests := []struct {
		name   string
		offset int64 // in steps
		want   bool
	}{
		{"current step", 0, true},
		{"one step behind", -1, true},
		{"one step ahead", 1, true},
		{"two steps behind", -2, false},
		{"two steps ahead", 2, false},
		{"an hour old", -120, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := codeAt(t, fixedSecret, now.Add(time.Duration(tt.offset)*30*time.Second))
			ok, got := ValidateTOTP(fixedSecret, code, now)
			if ok != tt.want {
				t.Fatalf("ValidateTOTP(code of step %+d) = %v, want %v", tt.offset, ok, tt.want)
			}
			if ok && got != step+tt.offset {
				t.Errorf("step = %d, want %d", got, step+tt.offset)
			}
			if !ok && got != 0 {
				t.Errorf("step = %d on failure, want 0", got)
			}
		})
	}
}

func TestValidateTOTPInput(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	code := codeAt(t, fixedSecret, now)
	tests := []struct {
		name, secret, code string
		want               bool
	}{
		{"plain", fixedSecret, code, true},
		{"spaced", fixedSecret, code[:3] + " " + code[3:], true},
		{"padded", fixedSecret, "  " + code + "\t", true},
		{"lower-case secret", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", code, true},
		{"five digits", fixedSecret, code[:5], false},
		{"seven digits", fixedSecret, code + "0", false},
		{"letters", fixedSecret, "abcdef", false},
		{"hyphen", fixedSecret, code[:3] + "-" + code[3:], false},
		{"full-width digits", fixedSecret, "１２３４５６", false},
		{"empty", fixedSecret, "", false},
		{"bad secret", "not base32!", code, false},
		{"empty secret", "", code, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, _ := ValidateTOTP(tt.secret, tt.code, now); ok != tt.want {
				t.Errorf("ValidateTOTP(%q, %q) = %v, want %v", tt.secret, tt.code, ok, tt.want)
			}
		})
	}
}

func TestValidateTOTPAtEpoch(t *testing.T) {
	// Step -1 does not exist; the window must not wrap around to 2^64-1.
	now := time.Unix(10, 0)
	ok, step := ValidateTOTP(fixedSecret, codeAt(t, fixedSecret, now), now)
	if !ok || step != 0 {
		t.Errorf("ValidateTOTP at the epoch = %v, %d; want true, 0", ok, step)
	}
}

func TestNewTOTP(t *testing.T) {
	secret, rawURL, qr, err := NewTOTP("Newsdesk", "jane@example.com")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Errorf("secret %q: %d bytes, %v; want 20 bytes of base32", secret, len(raw), err)
	}

	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || q.Get("secret") != secret ||
		q.Get("issuer") != "Newsdesk" || q.Get("digits") != "6" || q.Get("period") != "30" ||
		q.Get("algorithm") != "SHA1" || u.Path != "/Newsdesk:jane@example.com" {
		t.Errorf("otpauth URL %q", rawURL)
	}

	img, err := png.Decode(bytes.NewReader(qr))
	if err != nil {
		t.Fatalf("QR code is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 200 {
		t.Errorf("QR code is %v, want at least 200×200", b)
	}

	now := time.Now()
	if ok, step := ValidateTOTP(secret, codeAt(t, secret, now), now); !ok || step != now.Unix()/30 {
		t.Errorf("a fresh secret's current code: %v, step %d", ok, step)
	}

	if _, _, _, err := NewTOTP("", "jane@example.com"); err == nil {
		t.Error("NewTOTP with no issuer: no error")
	}
}
