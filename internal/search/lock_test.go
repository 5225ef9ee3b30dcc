package search_test

import (
	"path/filepath"
	"strings"
	"testing"

	"newsdesk/internal/search"
)

// A second process (or handle) on an index folder in use fails with a
// message instead of hanging.
func TestIndexInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	a, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := search.Open(dir)
	if err == nil {
		b.Close()
		t.Fatal("a second handle opened the index in use")
	}
	if !strings.Contains(err.Error(), "another newsdesk serve") {
		t.Errorf("error %q does not say what is wrong", err)
	}
}
