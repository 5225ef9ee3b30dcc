package search_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"newsdesk/internal/search"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// The crash test runs the indexer in a child process (this test binary,
// re-run as TestCrashHelper), kills it with SIGKILL in the middle of
// indexing, and checks that a restarted indexer converges to the database.

const (
	helperDB    = "NEWSDESK_SEARCH_HELPER_DB"
	helperIndex = "NEWSDESK_SEARCH_HELPER_INDEX"
)

// TestCrashHelper is the child: it indexes in small batches and prints a
// line after each, until it is killed. It does nothing in a normal run.
func TestCrashHelper(t *testing.T) {
	db, dir := os.Getenv(helperDB), os.Getenv(helperIndex)
	if db == "" || dir == "" {
		t.Skip("child process of TestCrashRecovery only")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix := &search.Indexer{Store: s, Index: idx, BatchSize: 7, OnBatch: func(n int) { fmt.Printf("batch %d\n", n) }}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Println("done")
}

// runUntilKilled starts the child and kills it after batches batches.
// It reports whether the child was killed before it finished.
func runUntilKilled(t *testing.T, db, dir string, batches int) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.v")
	cmd.Env = append(os.Environ(), helperDB+"="+db, helperIndex+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	seen, killed := 0, false
	for sc.Scan() {
		line := sc.Text()
		if len(line) > 6 && line[:6] == "batch " {
			seen++
			if seen == batches {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up runs
					t.Fatal(err)
				}
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	return killed
}

// converged checks that the index holds every article exactly as the
// database has it.
func converged(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	n, err := f.store.CountArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.index.Count(); err != nil || int(got) != n {
		t.Fatalf("index holds %d documents (%v), database %d articles", got, err, n)
	}
	list, err := f.store.ArticlesForIndex(ctx, 0, n+1)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		doc, ok, err := f.index.Stored(ctx, a.ID)
		if err != nil || !ok {
			t.Fatalf("article %d not indexed (%v)", a.ID, err)
		}
		if doc.Digest != search.Digest(a) {
			t.Fatalf("article %d (%s, %q) indexed as it was before, not as it is now", a.ID, a.Status, a.Headline)
		}
	}
	last, err := f.store.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seq, built, err := f.index.Seq(); err != nil || !built || seq != last {
		t.Fatalf("index at seq %d (built %v, %v), change log at %d", seq, built, err, last)
	}
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db := storetest.URL(t, dialect)
			s, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.Close()
			f := newFixtureAt(t, db)
			corpus := loadCorpus(t)
			for round := 0; round < 2; round++ {
				for _, d := range corpus {
					f.importDoc(t, d, fmt.Sprintf("urn:crash:%d:%s", round, d.Key), "")
				}
			}
			// Kill the first build part-way.
			f.index.Close()
			if !runUntilKilled(t, db, f.dir, 3) {
				t.Fatal("the indexer finished before it could be killed")
			}
			f.openIndex(t)
			f.catchUp(t)
			converged(t, f)

			// Change a third of the articles (withdrawn, corrected), then
			// kill the indexer while it follows the change log.
			for i, d := range corpus {
				switch i % 3 {
				case 0:
					f.importDoc(t, d, "urn:crash:0:"+d.Key, `"pubstatus":"withheld","versioncreated":"2026-11-29T13:00:00Z"`)
				case 1:
					d.Headline += " (updated)"
					f.importDoc(t, d, "urn:crash:1:"+d.Key, `"versioncreated":"2026-11-29T13:00:00Z"`)
				}
			}
			f.index.Close()
			if !runUntilKilled(t, db, f.dir, 2) {
				t.Fatal("the indexer finished before it could be killed")
			}
			f.openIndex(t)
			f.catchUp(t)
			converged(t, f)
		})
	}
}
