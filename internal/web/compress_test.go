package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestCompress: the gzip and brotli forms decompress, with the standard
// readers browsers' match, to the body at every level callers use; small
// bodies and images get none.
func TestCompress(t *testing.T) {
	page := []byte("<!DOCTYPE html><html><body>" + strings.Repeat("<p>电网 grid report, line by line.</p>\n", 200) + "</body></html>")
	for _, level := range []int{gzip.DefaultCompression, gzip.BestSpeed, gzip.BestCompression, 42} {
		gz, br := Compress("text/html; charset=utf-8", page, level, 4)
		if gz == nil || br == nil || len(gz) >= len(page) || len(br) >= len(page) {
			t.Fatalf("level %d: gzip %d, brotli %d bytes of %d", level, len(gz), len(br), len(page))
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, page) {
			t.Errorf("level %d: gzip does not give the body back: %v", level, err)
		}
		if plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); err != nil || !bytes.Equal(plain, page) {
			t.Errorf("level %d: brotli does not give the body back: %v", level, err)
		}
	}
	for _, c := range []struct {
		ct   string
		body []byte
	}{{"text/html", []byte("<p>short</p>")}, {"image/png", page}} {
		if gz, br := Compress(c.ct, c.body, gzip.DefaultCompression, 4); gz != nil || br != nil {
			t.Errorf("%s of %d bytes: compressed", c.ct, len(c.body))
		}
	}
}
