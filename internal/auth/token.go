package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// APITokenPrefix starts every Newsdesk API token ("nd_…"), so that a leaked
// token is recognisable to people and to secret scanners.
const APITokenPrefix = "nd"

// Token layout: prefix "_" id "_" secret. The id is public and indexes the
// stored row; only the secret is secret. 5 random bytes make exactly 8 base32
// characters and 20 make exactly 32 (160 bits), so every string of the right
// length and alphabet is one token, and parsing is exact.
const (
	tokenIDBytes     = 5
	tokenIDLen       = 8
	tokenSecretBytes = 20
	tokenSecretLen   = 32
	tokenAlphabet    = "abcdefghijklmnopqrstuvwxyz234567"
	maxPrefixLen     = 16
)

// tokenEncoding is lower-case, unpadded base32: easy to select with a double
// click, no characters that need escaping in a header or a URL.
var tokenEncoding = base32.NewEncoding(tokenAlphabet).WithPadding(base32.NoPadding)

// Token is what the store keeps of an API token: its public ID, for lookup,
// and the SHA-256 of its secret, for checking.
type Token struct {
	ID   string
	Hash string
}

// NewToken makes a token such as nd_abcdefgh_<32 characters>. plain is shown
// to the person once; tok is stored. prefix is lower-case letters and digits.
func NewToken(prefix string) (tok Token, plain string, err error) {
	if err := checkTokenPrefix(prefix); err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	b := make([]byte, tokenIDBytes+tokenSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	id := tokenEncoding.EncodeToString(b[:tokenIDBytes])
	secret := tokenEncoding.EncodeToString(b[tokenIDBytes:])
	return Token{ID: id, Hash: HashSecret(secret)}, prefix + "_" + id + "_" + secret, nil
}

// ParseToken splits a token presented by a client into its id and secret. It
// is strict — exact prefix, lengths and alphabet — so that anything else is
// refused before the database is asked. Errors never quote the token.
func ParseToken(prefix, plain string) (id, secret string, err error) {
	if err := checkTokenPrefix(prefix); err != nil {
		return "", "", fmt.Errorf("parse token: %w", err)
	}
	if len(plain) != len(prefix)+1+tokenIDLen+1+tokenSecretLen {
		return "", "", errors.New("parse token: wrong length")
	}
	rest, ok := strings.CutPrefix(plain, prefix+"_")
	if !ok {
		return "", "", fmt.Errorf("parse token: does not start with %q", prefix+"_")
	}
	id, secret = rest[:tokenIDLen], rest[tokenIDLen+1:]
	if rest[tokenIDLen] != '_' {
		return "", "", errors.New("parse token: missing '_' after the id")
	}
	if !inAlphabet(id, tokenAlphabet) || !inAlphabet(secret, tokenAlphabet) {
		return "", "", errors.New("parse token: character outside a-z and 2-7")
	}
	return id, secret, nil
}

// HashSecret returns the hex SHA-256 of a token secret, as stored in
// Token.Hash. A fast hash is right here: the secret is 160 random bits, which
// no amount of hashing speed lets anyone guess.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// EqualHash compares two stored hashes in constant time, so that checking a
// presented secret against the stored hash leaks nothing through timing.
func EqualHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// linkTokenBytes is 256 bits: one-time links and session cookies are bearer
// secrets with no id part, found by their hash alone.
const linkTokenBytes = 32

// NewLinkToken returns a random bearer token for a one-time link (invitation,
// password reset, sign-in by email) or a session cookie: plain goes in the URL
// or cookie, hash in the database.
func NewLinkToken() (plain, hash string, err error) {
	b := make([]byte, linkTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("new link token: %w", err)
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashLinkToken(plain), nil
}

// HashLinkToken returns the hex SHA-256 of a presented link token, to look it
// up by. Any string hashes; one that was never issued simply finds no row.
func HashLinkToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

func checkTokenPrefix(prefix string) error {
	if prefix == "" || len(prefix) > maxPrefixLen || !inAlphabet(prefix, "abcdefghijklmnopqrstuvwxyz0123456789") {
		return errors.New("token prefix must be 1 to 16 lower-case letters or digits")
	}
	return nil
}

// inAlphabet reports whether every byte of s is in alphabet.
func inAlphabet(s, alphabet string) bool {
	for i := range len(s) {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
