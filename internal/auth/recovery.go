package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// RecoveryCodeCount is how many recovery codes a person is given at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet leaves out 0, o, 1, l and i, which people misread when
// copying codes from paper. 31 symbols × 12 places ≈ 59 bits per code.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// recoveryGroups × recoveryGroupLen characters, shown as abcd-efgh-jkmn.
const (
	recoveryGroups   = 3
	recoveryGroupLen = 4
	recoveryLen      = recoveryGroups * recoveryGroupLen
	recoverySaltLen  = 16
)

// NewRecoveryCodes returns n new recovery codes: plain to show the person once
// (to print or save), and hashes to store. Each code is good for one sign-in
// without the authenticator app; the caller deletes a hash once it is used.
//
// The codes are hashed with salted SHA-256 rather than Argon2: a slow hash
// protects low-entropy secrets that people choose, but these are 59 random
// bits, too many to guess through any hash, and checking ten of them at each
// sign-in with Argon2 would cost a second of CPU. The per-code salt keeps an
// attacker holding the database from testing one guess against every code of
// every user at once. A hash is "<hex salt>:<hex sha256(salt ‖ code)>".
func NewRecoveryCodes(n int) (plain []string, hashes []string, err error) {
	if n < 1 || n > 100 {
		return nil, nil, fmt.Errorf("new recovery codes: count %d outside 1..100", n)
	}
	max := big.NewInt(int64(len(recoveryAlphabet)))
	seen := make(map[string]bool, n)
	for len(plain) < n {
		var b strings.Builder
		for i := range recoveryLen {
			if i > 0 && i%recoveryGroupLen == 0 {
				b.WriteByte('-')
			}
			k, err := rand.Int(rand.Reader, max)
			if err != nil {
				return nil, nil, fmt.Errorf("new recovery codes: %w", err)
			}
			b.WriteByte(recoveryAlphabet[k.Int64()])
		}
		code := b.String()
		if seen[code] { // astronomically unlikely, but the set must be n codes
			continue
		}
		seen[code] = true
		salt := make([]byte, recoverySaltLen)
		if _, err := rand.Read(salt); err != nil {
			return nil, nil, fmt.Errorf("new recovery codes: read salt: %w", err)
		}
		plain = append(plain, code)
		hashes = append(hashes, hex.EncodeToString(salt)+":"+hex.EncodeToString(recoveryDigest(salt, normalizeRecoveryCode(code))))
	}
	return plain, hashes, nil
}

// MatchRecoveryCode returns the index in hashes of the entry that code matches,
// or -1. Case, spaces and hyphens in code do not matter. Every entry is checked
// in constant time, without stopping at a match, so timing does not tell which
// entry matched.
func MatchRecoveryCode(code string, hashes []string) (index int) {
	norm := normalizeRecoveryCode(code)
	if len(norm) != recoveryLen || strings.Trim(norm, recoveryAlphabet) != "" {
		return -1
	}
	index = -1
	for i, h := range hashes {
		salt, want, err := splitRecoveryHash(h)
		if err != nil {
			continue // a corrupt row matches nothing
		}
		eq := subtle.ConstantTimeCompare(recoveryDigest(salt, norm), want)
		index = subtle.ConstantTimeSelect(eq, i, index)
	}
	return index
}

// normalizeRecoveryCode lower-cases code and drops spaces and hyphens, so
// "ABCD EFGH JKMN" and "abcd-efgh-jkmn" are the same code.
func normalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

func recoveryDigest(salt []byte, norm string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(norm))
	return h.Sum(nil)
}

func splitRecoveryHash(h string) (salt, digest []byte, err error) {
	s, d, ok := strings.Cut(h, ":")
	if !ok {
		return nil, nil, errors.New("recovery code hash: missing ':'")
	}
	if salt, err = hex.DecodeString(s); err != nil || len(salt) != recoverySaltLen {
		return nil, nil, errors.New("recovery code hash: bad salt")
	}
	if digest, err = hex.DecodeString(d); err != nil || len(digest) != sha256.Size {
		return nil, nil, errors.New("recovery code hash: bad digest")
	}
	return salt, digest, nil
}
