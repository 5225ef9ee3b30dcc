package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are the Argon2id cost parameters. They are written into every hash,
// so changing them later never breaks existing hashes: Verify reads the
// parameters back from the hash and reports that it needs a rehash.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
	KeyLen  uint32 // bytes of derived key
	SaltLen uint32 // bytes of random salt
}

// DefaultParams (treat as a constant) follow the OWASP recommendation for Argon2id (64 MiB, three
// passes): about 0.1 s per hash on a two-core server, which is slow for an
// attacker with a stolen database and unnoticeable at sign-in.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2, KeyLen: 32, SaltLen: 16}

// TestParams (treat as a constant) are deliberately cheap so that tests of any package that creates
// users stay fast. Never use them in production.
var TestParams = Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

// Bounds on parameters read from a stored hash. A hash is data, and data can be
// corrupt or forged: without a ceiling a single row could ask Verify for
// terabytes of memory.
const (
	maxTime    = 64
	maxMemory  = 2 * 1024 * 1024 // KiB, 2 GiB
	minKeyLen  = 16
	maxKeyLen  = 64
	minSaltLen = 8
	maxSaltLen = 64
)

// argonVersion is the only Argon2 version this package writes or reads (1.3).
const argonVersion = argon2.Version

// Check reports whether the parameters are usable: within the bounds Verify
// accepts, so that every hash this package writes can be read back.
func (p Params) Check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2 time %d outside 1..%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("argon2 threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("argon2 memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2 key length %d outside %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2 salt length %d outside %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	}
	return nil
}

// Hasher hashes and verifies passwords with Argon2id. Build it with NewHasher
// so that DummyVerify costs what a real verification costs; do not change
// Params afterwards.
type Hasher struct {
	Params Params

	// dummy is a well-formed hash with Params whose key matches no password.
	dummy string
}

// NewHasher returns a Hasher that writes new hashes with p.
func NewHasher(p Params) *Hasher {
	return &Hasher{Params: p, dummy: dummyHash(p)}
}

// dummyHash builds a PHC string with p's costs and all-zero salt and key.
// Verifying against it runs the full Argon2id computation and then fails,
// which is all DummyVerify needs; no real Argon2 run is required to build it.
func dummyHash(p Params) string {
	return encodePHC(p, make([]byte, p.SaltLen), make([]byte, p.KeyLen))
}

// Hash returns the PHC string of password with a fresh random salt, e.g.
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key> (unpadded standard base64).
func (h *Hasher) Hash(password string) (string, error) {
	if err := h.Params.Check(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	salt := make([]byte, h.Params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Params.Time, h.Params.Memory, h.Params.Threads, h.Params.KeyLen)
	return encodePHC(h.Params, salt, key), nil
}

// Verify reports whether password matches encoded, using the parameters stored
// in encoded rather than h.Params, so old hashes keep working after a change of
// cost. needsRehash is true when those stored parameters differ from h.Params:
// after a successful sign-in the caller should store a fresh Hash. A malformed
// or out-of-bounds hash is an error, never a panic.
func (h *Hasher) Verify(password, encoded string) (ok bool, needsRehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, fmt.Errorf("verify password: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, p != h.Params, nil
}

// DummyVerify spends the time of one real verification and throws the result
// away. Call it when sign-in names an unknown email, so that "no such user"
// and "wrong password" take the same time and the response time does not
// reveal who has an account.
func (h *Hasher) DummyVerify(password string) {
	dummy := h.dummy
	if dummy == "" { // a Hasher built without NewHasher
		dummy = dummyHash(h.Params)
	}
	_, _, _ = h.Verify(password, dummy)
}

// encodePHC formats the PHC string for an Argon2id hash.
func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argonVersion, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

// phcB64 is strict: it refuses non-zero trailing bits, so one hash has one
// spelling.
var phcB64 = base64.RawStdEncoding.Strict()

// decodePHC parses an Argon2id PHC string strictly: exact algorithm and
// version, parameters m, t, p in that order in canonical decimal, unpadded
// standard base64, and every value within the bounds Params.Check enforces.
func decodePHC(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return Params{}, nil, nil, errors.New("malformed hash: want $argon2id$v=..$m=..,t=..,p=..$salt$key")
	}
	if parts[1] != "argon2id" {
		return Params{}, nil, nil, errors.New("malformed hash: not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argonVersion) {
		return Params{}, nil, nil, errors.New("malformed hash: unsupported argon2 version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return Params{}, nil, nil, errors.New("malformed hash: want parameters m, t, p")
	}
	var vals [3]uint32
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return Params{}, nil, nil, fmt.Errorf("malformed hash: parameter %d is not %s", i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || strconv.FormatUint(n, 10) != v {
			return Params{}, nil, nil, fmt.Errorf("malformed hash: parameter %s is not a canonical number", name)
		}
		vals[i] = uint32(n)
	}
	if vals[2] > 255 {
		return Params{}, nil, nil, errors.New("malformed hash: parallelism above 255")
	}
	// RawStdEncoding skips \r and \n; refuse them so the text is canonical.
	if strings.ContainsAny(parts[4], "\r\n") || strings.ContainsAny(parts[5], "\r\n") {
		return Params{}, nil, nil, errors.New("malformed hash: line break in base64")
	}
	if salt, err = phcB64.DecodeString(parts[4]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("malformed hash: salt: %w", err)
	}
	if key, err = phcB64.DecodeString(parts[5]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("malformed hash: key: %w", err)
	}
	p = Params{
		Memory:  vals[0],
		Time:    vals[1],
		Threads: uint8(vals[2]),
		KeyLen:  uint32(len(key)),
		SaltLen: uint32(len(salt)),
	}
	if err := p.Check(); err != nil {
		return Params{}, nil, nil, fmt.Errorf("malformed hash: %w", err)
	}
	return p, salt, key, nil
}

// Password rules. The messages are shown to the person choosing a password.
var (
	ErrPasswordTooShort = errors.New("the password must be at least 12 characters long")
	ErrPasswordTooLong  = errors.New("the password must be at most 1024 bytes long")
	ErrPasswordNotText  = errors.New("the password contains characters that are not valid text")
	ErrPasswordCommon   = errors.New("this password is one of the most common passwords; choose one that is harder to guess")
	ErrPasswordHasEmail = errors.New("the password must not contain your email address")
	ErrPasswordHasName  = errors.New("the password must not contain your name")
)

// Password length limits: a minimum in characters because that is what a
// person counts, a maximum in bytes because that bounds the work of hashing.
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 1024
)

// personalMin is the shortest email local part or name (in characters) that a
// password may not contain; shorter ones match too much by accident.
const personalMin = 4

// CheckPassword applies the newsroom's password rules (NIST SP 800-63B style:
// length and a blocklist, no composition rules) and returns one of the
// ErrPassword* errors, whose text can be shown as is. email and name are the
// account's, and may be empty.
func CheckPassword(password, email, name string) error {
	if len(password) > MaxPasswordBytes {
		return ErrPasswordTooLong
	}
	if !utf8.ValidString(password) {
		return ErrPasswordNotText
	}
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return ErrPasswordTooShort
	}
	lower := strings.ToLower(password)
	if isCommonPassword(lower) {
		return ErrPasswordCommon
	}
	local := email
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		local = email[:at]
	}
	if containsAny(lower, personalTerms(local, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})) {
		return ErrPasswordHasEmail
	}
	if containsAny(lower, personalTerms(name, func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '.' || r == ','
	})) {
		return ErrPasswordHasName
	}
	return nil
}

// personalTerms returns, lower-cased, the whole of s, s without separators,
// and each separated part of s — those at least personalMin characters long.
// "Jane Doe" gives "jane doe", "janedoe" and "jane".
func personalTerms(s string, sep func(rune) bool) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	parts := strings.FieldsFunc(s, sep)
	terms := append([]string{s, strings.Join(parts, "")}, parts...)
	out := terms[:0]
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= personalMin {
			out = append(out, t)
		}
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// commonPasswordsText is the blocklist, one lower-case password a line; see
// common-passwords.LICENSE for where it comes from.
//
//go:embed common-passwords.txt
var commonPasswordsText []byte

// commonPasswords is the blocklist as a set, built on first use so that
// programs that never check a password pay nothing. It is never written after.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, bytes.Count(commonPasswordsText, []byte("\n")))
	for line := range bytes.Lines(commonPasswordsText) {
		if w := strings.TrimSpace(string(line)); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

// isCommonPassword reports whether the lower-cased password is on the list.
func isCommonPassword(lower string) bool {
	_, ok := commonPasswords()[lower]
	return ok
}
