package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestBackupWhileWriting: a backup taken while another connection keeps
// committing transactions that each write an audit entry and a change-log
// entry holds both tables as of one moment (equal counts), and restores
// with its audit chain intact.
func TestBackupWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		wctx, stop := context.WithCancel(ctx)
		written := make(chan int, 1000)
		done := make(chan error, 1)
		go func() {
			for i := 0; ; i++ {
				err := s.InTx(wctx, func(tx *store.Tx) error {
					if _, err := tx.AppendAudit(wctx, store.AuditEntry{At: time.Now(), Actor: "system", Action: "test.write", Target: "row"}); err != nil {
						return err
					}
					_, err := tx.AppendChange(wctx, store.Change{At: time.Now(), ArticleID: 1, Kind: news.ChangeUpdate})
					return err
				})
				if wctx.Err() != nil {
					done <- nil
					return
				}
				if err != nil {
					done <- err
					return
				}
				select {
				case written <- i:
				default:
				}
			}
		}()
		for range 5 { // the writer is under way before the backup starts
			<-written
		}
		file := filepath.Join(t.TempDir(), "busy.tar.gz")
		m, err := Create(ctx, s, file, Options{Version: "test"})
		stop()
		if werr := <-done; werr != nil && !errors.Is(werr, context.Canceled) {
			t.Fatalf("writer: %v", werr)
		}
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]int64{}
		for _, tb := range m.Tables {
			rows[tb.Name] = tb.Rows
		}
		if rows["audit_log"] < 5 || rows["audit_log"] != rows["change_log"] {
			t.Errorf("backup holds %d audit entries and %d changes, written in pairs", rows["audit_log"], rows["change_log"])
		}
		if got := countLines(t, file, "tables/audit_log.jsonl"); got != rows["audit_log"] {
			t.Errorf("audit_log entry has %d lines, manifest %d", got, rows["audit_log"])
		}
		target := storetest.New(t, s.Dialect())
		r, err := Restore(ctx, target, file, Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if r.AuditEntries != rows["audit_log"] {
			t.Errorf("restored audit chain: %d entries, backup %d", r.AuditEntries, rows["audit_log"])
		}
	})
}

func countLines(t *testing.T, file, entry string) int64 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: %v", entry, err)
		}
		if h.Name == entry {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return int64(strings.Count(string(b), "\n"))
		}
	}
}
