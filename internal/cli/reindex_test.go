package cli_test

import (
	"path/filepath"
	"testing"
	"time"

	"newsdesk/internal/search"
)

// TestReindex rebuilds the index while another handle (a running server's)
// has the old one open: the old one keeps answering until it reloads, then
// both see the new generation with every article.
func TestReindex(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		dir := filepath.Join(t.TempDir(), "index")
		run(t, nil, "import", "ninjs", "--channel", gd, "--db", db, seedFile("seed-article.ninjs.json"), seedFile("seed-article-zh.ninjs.json")).expect(t, 0, nil, nil)

		serving, err := search.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer serving.Close()
		old := serving.Generation()
		if n, _ := serving.Count(); n != 0 {
			t.Fatalf("fresh index holds %d documents", n)
		}

		r := run(t, nil, "reindex", "--db", db, "--index", dir)
		r.expect(t, 0, []string{"reindex: 2 articles indexed into g-"}, []string{"[2/2] articles indexed"})

		// Until it reloads, the serving handle still answers from the old
		// generation.
		if _, err := serving.Public(ctx, search.Request{Query: search.Parse("Lukashenko"), Now: time.Now()}); err != nil {
			t.Fatalf("old generation stopped serving during the rebuild: %v", err)
		}
		switched, err := serving.Reload()
		if err != nil || !switched {
			t.Fatalf("reload: switched %v, %v", switched, err)
		}
		if serving.Generation() == old {
			t.Fatal("still on the old generation")
		}
		res, err := serving.Public(ctx, search.Request{Query: search.Parse("Lukashenko"), Now: time.Now()})
		if err != nil || res.Total != 1 {
			t.Fatalf("after the swap: %d results, %v", res.Total, err)
		}
		if _, built, err := serving.Seq(); err != nil || !built {
			t.Fatalf("swapped-in index has no seq: %v %v", built, err)
		}
		if matches, _ := filepath.Glob(filepath.Join(dir, "g-*")); len(matches) != 1 {
			t.Errorf("generations left after the swap: %v", matches)
		}

		r = run(t, nil, "reindex", "--db", db, "--index", dir, "extra")
		r.expect(t, 2, nil, []string{`unexpected argument "extra"`})
	})
}
