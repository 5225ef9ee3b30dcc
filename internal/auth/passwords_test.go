package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := NewHasher(TestParams)
	encoded, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q lacks the PHC header for TestParams", encoded)
	}
	other, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if other == encoded {
		t.Error("two hashes of one password are equal: salt is not random")
	}

	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right password", "correct horse battery staple", true},
		{"wrong password", "correct horse battery stapler", false},
		{"case matters", "Correct horse battery staple", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(tt.password, encoded)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.want {
				t.Errorf("Verify = %v, want %v", ok, tt.want)
			}
			if rehash {
				t.Error("needsRehash with unchanged params")
			}
		})
	}
}

func TestDefaultParamsFormat(t *testing.T) {
	if err := DefaultParams.Check(); err != nil {
		t.Fatal(err)
	}
	got := encodePHC(DefaultParams, make([]byte, 16), make([]byte, 32))
	want := "$argon2id$v=19$m=65536,t=3,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	if got != want {
		t.Errorf("encodePHC = %q, want %q", got, want)
	}
}

func TestNeedsRehash(t *testing.T) {
	encoded, err := NewHasher(TestParams).Hash("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	change := []struct {
		name string
		edit func(*Params)
	}{
		{"time", func(p *Params) { p.Time = 2 }},
		{"memory", func(p *Params) { p.Memory = 2048 }},
		{"threads", func(p *Params) { p.Threads = 2 }},
		{"key length", func(p *Params) { p.KeyLen = 64 }},
		{"salt length", func(p *Params) { p.SaltLen = 32 }},
	}
	for _, c := range change {
		t.Run(c.name, func(t *testing.T) {
			p := TestParams
			c.edit(&p)
			ok, rehash, err := NewHasher(p).Verify("a long enough password", encoded)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Error("an old hash no longer verifies after a change of params")
			}
			if !rehash {
				t.Error("needsRehash = false after a change of params")
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(TestParams)
	const salt, key = "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	good := "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key
	if _, _, err := h.Verify("x", good); err != nil {
		t.Fatalf("the well-formed control hash is refused: %v", err)
	}
	garbage := []string{
		"",
		"$",
		"$$$$$",
		"password",
		"$argon2id",
		"$argon2id$v=19",
		"$argon2id$v=19$m=1024,t=1,p=1",
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt,
		good + "$",
		"x" + good,
		"$argon2i$v=19$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2d$v=19$m=1024,t=1,p=1$" + salt + "$" + key,
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"$argon2id$v=16$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=1024,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=01024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=+1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=4294967295,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=1024,t=1,p=1$AAAA$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$AAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "==$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "=",
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + strings.ReplaceAll(key, "A", "-"),
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key[:len(key)-1] + "B", // non-zero trailing bits
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key[:20] + "\n" + key[20:],
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + strings.Repeat("A", 1000),
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "\x00",
	}
	for _, g := range garbage {
		ok, rehash, err := h.Verify("x", g)
		if err == nil || ok || rehash {
			t.Errorf("Verify(%q) = %v, %v, %v; want an error", g, ok, rehash, err)
		}
	}
}

func TestHashRefusesBadParams(t *testing.T) {
	for _, p := range []Params{
		{},
		{Time: 1, Memory: 1024, Threads: 0, KeyLen: 32, SaltLen: 16},
		{Time: 1, Memory: 1024, Threads: 1, KeyLen: 4, SaltLen: 16},
		{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 0},
		{Time: 1, Memory: 1 << 30, Threads: 1, KeyLen: 32, SaltLen: 16},
	} {
		if _, err := (&Hasher{Params: p}).Hash("x"); err == nil {
			t.Errorf("Hash with %+v: no error", p)
		}
	}
}

func TestDummyVerifyCostsARealVerification(t *testing.T) {
	for _, p := range []Params{TestParams, DefaultParams, {Time: 2, Memory: 4096, Threads: 4, KeyLen: 16, SaltLen: 8}} {
		h := NewHasher(p)
		got, salt, key, err := decodePHC(h.dummy)
		if err != nil {
			t.Fatalf("dummy hash %q does not parse: %v", h.dummy, err)
		}
		if got != p || len(salt) != int(p.SaltLen) || len(key) != int(p.KeyLen) {
			t.Errorf("dummy hash has params %+v, want %+v", got, p)
		}
	}
	h := NewHasher(TestParams)
	h.DummyVerify("anything") // must not panic
	(&Hasher{Params: TestParams}).DummyVerify("anything")
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		desc, password, email, name string
		want                        error
	}{
		{"fine", "violet tuesday harbour", "jane.doe@example.com", "Jane Doe", nil},
		{"too short", "Tr0ub4dor&3", "", "", ErrPasswordTooShort},
		{"empty", "", "", "", ErrPasswordTooShort},
		{"exactly 12", "kx8-vq2!pm7z", "", "", nil},
		{"common", "password1234", "", "", ErrPasswordCommon},
		{"common, upper case", "PASSWORD1234", "", "", ErrPasswordCommon},
		{"common, mixed case", "1Qaz2Wsx3Edc", "", "", ErrPasswordCommon},
		{"common long", "qazwsxedcrfvtgb", "", "", ErrPasswordCommon},
		{"contains email local part", "my-jdoe42-secret-thing", "JDoe42@example.com", "", ErrPasswordHasEmail},
		{"contains email part", "tall ships of kowalski", "anna.kowalski@example.com", "", ErrPasswordHasEmail},
		{"short email local part ignored", "bobby tables go home", "bob@example.com", "", nil},
		{"contains name", "ILOVEJANEDOE forever", "x@example.com", "Jane Doe", ErrPasswordHasName},
		{"contains name with space", "hello jane doe, bye", "x@example.com", "Jane Doe", ErrPasswordHasName},
		{"contains first name", "jane's garden in spring", "x@example.com", "Jane Doe", ErrPasswordHasName},
		{"short name ignored", "my pal al is the best", "x@example.com", "Al", nil},
		{"Chinese passphrase of 12 runes", "春眠不觉晓处处闻啼鸟夜来风", "", "", nil},
		{"Chinese, 11 runes", "春眠不觉晓处处闻啼鸟夜", "", "", ErrPasswordTooShort},
		{"contains Chinese name", "我的名字是欧阳小明真的很好", "", "欧阳小明", ErrPasswordHasName},
		{"short Chinese name ignored", "我的名字是王小明真的很好", "", "王小明", nil},
		{"1024 bytes", strings.Repeat("ab3", 341) + "x", "", "", nil},
		{"1025 bytes", strings.Repeat("ab3", 341) + "xy", "", "", ErrPasswordTooLong},
		{"invalid UTF-8", "abcdefghijkl\xff", "", "", ErrPasswordNotText},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.email, tt.name)
			if !errors.Is(err, tt.want) {
				t.Errorf("CheckPassword(%q) = %v, want %v", tt.password, err, tt.want)
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	set := commonPasswords()
	if len(set) < 10000 {
		t.Errorf("common password list has %d entries, want at least 10000", len(set))
	}
	for w := range set {
		if w != strings.ToLower(w) || w != strings.TrimSpace(w) || w == "" {
			t.Errorf("list entry %q is not lower-case and trimmed", w)
		}
	}
	for _, w := range []string{"123456", "password", "qwerty", "iloveyou", "1qaz2wsx3edc"} {
		if !isCommonPassword(w) {
			t.Errorf("%q not on the list", w)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h := NewHasher(TestParams)
	good, err := h.Hash("seed password")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("seed password", good)
	f.Add("x", h.dummy)
	f.Add("x", "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("", "")
	f.Add("x", "$argon2id$v=19$m=,t=,p=$$")
	f.Add("x", "$argon2id$v=19$m=1024,t=1,p=1$$$")
	f.Fuzz(func(t *testing.T, password, encoded string) {
		p, salt, key, perr := decodePHC(encoded)
		if perr == nil {
			// Anything accepted is canonical: it re-encodes to itself.
			if again := encodePHC(p, salt, key); again != encoded {
				t.Fatalf("decode/encode changed %q to %q", encoded, again)
			}
			// Well-formed but costly hashes are legal; skip them to keep the
			// fuzzer fast. Parsing them was what this input could exercise.
			if uint64(p.Memory)*uint64(p.Time) > 1<<16 {
				t.Skip()
			}
		}
		ok, _, err := h.Verify(password, encoded)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Verify err = %v but decode err = %v", err, perr)
		}
		if err != nil && ok {
			t.Fatal("ok together with an error")
		}
	})
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultParams)
	for b.Loop() {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
