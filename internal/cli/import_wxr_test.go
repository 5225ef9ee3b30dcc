package cli_test

import (
	"path/filepath"
	"testing"
)

const sharedWXR = "../../../shared/testdata/wordpress-wxr"

func TestImportWXR(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		file := filepath.Join(sharedWXR, "wordpress-importer/phpunit-data/small-export.xml")
		r := run(t, nil, "import", "wxr", file, "--channel", "news", "--db", db)
		r.expect(t, 0, []string{"import wxr: 11 items: 10 imported, 0 updated, 0 unchanged, 1 skipped, 0 failed; 4 pages, 0 attachments kept as remote URLs; 29 channels, 3 users (disabled, to invite) and 13 redirects created"},
			[]string{"(post 13): note: private in WordPress: imported as a draft", "(post 9): skipped: page with status \"draft\"", "[1/11] "})
		s := open(t, db)
		if a, err := s.ArticleByURI(ctx, "http://localhost/?p=1"); err != nil || a.ChannelPath != "news/uncategorized" && a.ChannelPath != "news" {
			t.Errorf("hello world: %+v, %v", a, err)
		}
		// Again: nothing new.
		run(t, nil, "import", "wxr", "--db", db, "--channel", "news", file).
			expect(t, 0, []string{"0 imported, 0 updated, 10 unchanged, 1 skipped"}, nil)
	})
}

func TestImportWXRMalformed(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		file := filepath.Join(sharedWXR, "wordpress-importer/phpunit-data/malformed.xml")
		r := run(t, nil, "import", "wxr", file, "--channel", "news", "--db", db)
		r.expect(t, 1, nil, []string{file + ": line 90: malformed XML: element <notachanneltag> closed by </channel> (nothing was imported)"})
		if r.stdout != "" {
			t.Errorf("stdout = %q", r.stdout)
		}
		if n, _ := open(t, db).CountArticles(ctx); n != 0 {
			t.Errorf("%d articles after a refused file, want 0", n)
		}
	})
}
