package news_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// allowedImports keeps dependencies pointing one way: domain ← storage and
// formats ← services ← HTTP and CLI. Each package of ours may import only the
// packages of ours listed here (the standard library and modules are free).
var allowedImports = map[string][]string{
	"internal/news":            {},
	"internal/config":          {"internal/store", "internal/news", "internal/mail"},
	"internal/mail":            {},
	"internal/browsertest":     {},
	"internal/markup":          {},
	"internal/fetch":           {},
	"internal/wire":            {"internal/news", "internal/store", "internal/fetch", "internal/feed", "internal/ingest"},
	"internal/feed":            {"internal/news", "internal/markup"},
	"internal/store":           {"internal/news"},
	"internal/store/storetest": {"internal/store", "internal/news"},
	"internal/web":             {},
	"internal/sitefile":        {"internal/news", "internal/store", "internal/markup"},
	"internal/ingest":          {"internal/news", "internal/store", "internal/markup", "internal/feed", "internal/sitefile"},
	"internal/demo":            {"internal/news", "internal/store", "internal/markup", "internal/feed", "internal/ingest", "internal/sitefile"},
	"internal/auth":            {},
	"internal/accounts":        {"internal/news", "internal/store", "internal/auth"},
	"internal/admin":           {"internal/news", "internal/store", "internal/web", "internal/accounts", "internal/markup", "internal/sitefile", "internal/auth", "internal/editorial", "internal/media", "internal/fetch", "internal/search"},
	"internal/api":             {"internal/news", "internal/store", "internal/web", "internal/accounts", "internal/editorial", "internal/media", "internal/feed", "internal/search"},
	"internal/editorial":       {"internal/news", "internal/store", "internal/markup"},
	"internal/jobs":            {"internal/news", "internal/store", "internal/feed"},
	"internal/media":           {"internal/news", "internal/store"},
	"internal/backup":          {"internal/store", "internal/media"},
	"internal/search":          {"internal/news", "internal/store", "internal/markup"},
	"internal/site":            {"internal/news", "internal/store", "internal/web", "internal/markup", "internal/pagecache", "internal/feed", "internal/search"},
	"internal/pagecache":       {"internal/web"},
	"internal/metrics":         {},
	"internal/export":          {"internal/web"},
	"internal/ratelimit":       {"internal/store"},
	"internal/cli":             {"*"},
	"cmd/newsdesk":             {"internal/cli", "*"},
	"bench/exportgen":          {"*"}, // a benchmark's data generator
	"bench/loadgen":            {},    // a benchmark's HTTP client
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "newsdesk/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var pkg struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&pkg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(pkg.ImportPath, "newsdesk/")
		allowed, known := allowedImports[name]
		if !known {
			t.Errorf("package %s is not in allowedImports: decide where it sits", name)
			continue
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, "newsdesk/") {
				continue
			}
			dep := strings.TrimPrefix(imp, "newsdesk/")
			if dep == "internal/cli" && name != "cmd/newsdesk" {
				t.Errorf("%s imports the composition root internal/cli", name)
			}
			ok := false
			for _, a := range allowed {
				if a == "*" || a == dep {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s, against the dependency direction", name, dep)
			}
		}
	}
}
