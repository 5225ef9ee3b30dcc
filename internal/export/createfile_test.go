package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateFile holds createFile to os.WriteFile's behaviour: a new file
// with mode 0644 less the umask, an existing one truncated, and errors
// that name the file.
func TestCreateFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "index.html")
	if err := createFile(name, []byte("a longer first version")); err != nil {
		t.Fatal(err)
	}
	if err := createFile(name, []byte("short")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil || string(got) != "short" {
		t.Fatalf("content %q, %v; want the second write only", got, err)
	}
	ref := filepath.Join(dir, "ref.html")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(name)
	want, _ := os.Stat(ref)
	if fi.Mode() != want.Mode() {
		t.Errorf("mode %v, os.WriteFile gives %v", fi.Mode(), want.Mode())
	}
	big := []byte(strings.Repeat("x", 1<<20))
	if err := createFile(name, big); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(name); fi.Size() != int64(len(big)) {
		t.Errorf("size %d after writing %d bytes", fi.Size(), len(big))
	}
	missing := filepath.Join(dir, "no-such-folder", "index.html")
	err = createFile(missing, []byte("x"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v: want one naming %s, not-exist", err, missing)
	}
}
