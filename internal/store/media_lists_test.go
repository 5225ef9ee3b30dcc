package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestMediaByIDsAndHashesInParts: lists longer than one IN (...) takes are
// read in parts, and come back whole: by id in the order asked (unknown
// ids left out), by hash every one found.
func TestMediaByIDsAndHashesInParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 1203
		var ids []int64
		var hashes []string
		for i := range n {
			h := fmt.Sprintf("%064x", i+1)
			id, err := s.InsertMedia(ctx, news.Media{Hash: h, Kind: news.MediaImage, MIME: "image/png", Ext: ".png",
				Filename: fmt.Sprintf("f%d.png", i), Width: 1, Height: 1, Bytes: 1, Alt: "x", CreatedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			hashes = append(hashes, h)
		}
		// Newest first, with an id that names nothing in the middle.
		asked := []int64{}
		for i := len(ids) - 1; i >= 0; i-- {
			asked = append(asked, ids[i])
			if i == 600 {
				asked = append(asked, -7)
			}
		}
		got, err := s.MediaByIDs(ctx, asked)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("MediaByIDs: %d files, want %d", len(got), n)
		}
		for i, m := range got {
			if m.ID != ids[n-1-i] {
				t.Fatalf("MediaByIDs: file %d is %d, want %d (the order asked)", i, m.ID, ids[n-1-i])
			}
		}
		byHash, err := s.MediaByHashes(ctx, append(hashes, "missing"))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range byHash {
			seen[m.Hash] = true
		}
		if len(byHash) != n || len(seen) != n {
			t.Errorf("MediaByHashes: %d files (%d distinct), want %d", len(byHash), len(seen), n)
		}
	})
}
