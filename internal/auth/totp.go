package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings. They are the ones every authenticator app understands
// (RFC 6238 defaults, as Google Authenticator expects), so they are fixed
// rather than configurable.
const (
	totpPeriod     = 30 // seconds per time step
	totpDigits     = otp.DigitsSix
	totpSecretSize = 20 // bytes: 160 bits, the HMAC-SHA1 block-friendly size RFC 4226 recommends
	totpQRSize     = 256
	totpSkew       = 1 // steps either side of now that still count, for clock drift
)

// NewTOTP creates a TOTP secret for account (the user's email) under issuer
// (the site name), to be shown once while enrolling: the base32 secret for
// typing in, the otpauth:// URL, and that URL as a 256×256 PNG QR code. The QR
// code is drawn here, on the server, so the secret never leaves for a
// third-party image service.
func NewTOTP(issuer, account string) (secret string, otpauthURL string, qrPNG []byte, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  totpSecretSize,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", nil, fmt.Errorf("new totp key: %w", err)
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return "", "", nil, fmt.Errorf("new totp key: draw QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, fmt.Errorf("new totp key: encode QR code: %w", err)
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// ValidateTOTP reports whether code is the current one-time code for secret at
// now, allowing one 30-second step of clock skew either way. step is the time
// step the code belongs to: the caller stores it and refuses any later code
// whose step is not greater, so a code that was seen (over a shoulder, in a
// proxy log) cannot be used twice. Spaces in code are ignored ("123 456").
// A malformed secret or code is simply not valid.
func ValidateTOTP(secret, code string, now time.Time) (ok bool, step int64) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
	if len(code) != totpDigits.Length() || strings.Trim(code, "0123456789") != "" {
		return false, 0
	}
	t := now.Unix()
	current := t / totpPeriod
	if t < 0 && t%totpPeriod != 0 { // floor, not truncation, before 1970
		current--
	}
	opts := hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
	// Try every step in the window, without stopping at a match, so the time
	// taken does not say which step matched.
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), opts)
		if err != nil {
			return false, 0 // the secret is not base32
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			ok, step = true, s
		}
	}
	return ok, step
}

// TOTPImage redraws the otpauth:// URL and QR code of a secret made by
// NewTOTP, for showing the same enrolment again on another page.
func TOTPImage(issuer, account, secret string) (otpauthURL string, qrPNG []byte, err error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return "", nil, fmt.Errorf("totp image: bad secret: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: totpPeriod, Secret: raw,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", nil, fmt.Errorf("totp image: %w", err)
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return "", nil, fmt.Errorf("totp image: draw QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", nil, fmt.Errorf("totp image: encode QR code: %w", err)
	}
	return key.URL(), buf.Bytes(), nil
}
