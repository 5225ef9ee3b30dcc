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

// TestCompressor: one Compressor, reused for bodies of every kind in turn
// (large after small, incompressible, too short, not text), gives exactly
// the bytes Compress gives each of them.
func TestCompressor(t *testing.T) {
	page := []byte("<!DOCTYPE html><html><body>" + strings.Repeat("<p>电网 grid report, line by line.</p>\n", 200) + "</body></html>")
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7919 + i*i*31 + i>>3) // no repeats a compressor could use
	}
	bodies := []struct {
		ct   string
		body []byte
	}{
		{"text/html; charset=utf-8", page[:600]},
		{"text/html; charset=utf-8", page},
		{"text/html; charset=utf-8", page[:300]},
		{"application/octet-stream", page},
		{"text/plain", noise},
		{"text/html", []byte("<p>short</p>")},
		{"application/xml; charset=utf-8", bytes.Repeat([]byte("<url><loc>https://example.org/</loc></url>\n"), 3000)},
		{"text/html; charset=utf-8", page},
	}
	for _, level := range []int{gzip.DefaultCompression, gzip.BestCompression, 42} {
		c := NewCompressor(level, 4)
		for i, b := range bodies {
			wantGz, wantBr := Compress(b.ct, b.body, level, 4)
			gz, br := c.Compress(b.ct, b.body)
			if !bytes.Equal(gz, wantGz) || (gz == nil) != (wantGz == nil) {
				t.Errorf("level %d, body %d (%s, %d bytes): gzip %d bytes, Compress gives %d", level, i, b.ct, len(b.body), len(gz), len(wantGz))
			}
			if !bytes.Equal(br, wantBr) || (br == nil) != (wantBr == nil) {
				t.Errorf("level %d, body %d (%s, %d bytes): brotli %d bytes, Compress gives %d", level, i, b.ct, len(b.body), len(br), len(wantBr))
			}
		}
	}
}
