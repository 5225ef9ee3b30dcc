package web

import (
	"bytes"
	"compress/gzip"
	"strings"

	"github.com/andybalholm/brotli"
)

// Compressible reports whether a response of this Content-Type is worth
// compressing: text, markup, JSON and scripts, not images or archives.
func Compressible(contentType string) bool {
	ct := strings.ToLower(contentType)
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "javascript") || strings.HasPrefix(ct, "image/svg")
}

// Compress makes a body's gzip and brotli forms, once, for the page cache
// and the static export. Either is nil when it would not be smaller, or
// when the body is too small or not compressible to begin with.
func Compress(contentType string, body []byte, gzipLevel, brotliQuality int) (gz, br []byte) {
	if len(body) < 256 || !Compressible(contentType) {
		return nil, nil
	}
	var g bytes.Buffer
	zw, err := gzip.NewWriterLevel(&g, gzipLevel)
	if err != nil {
		zw = gzip.NewWriter(&g)
	}
	zw.Write(body)
	zw.Close()
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, brotliQuality)
	bw.Write(body)
	bw.Close()
	if g.Len() < len(body) {
		gz = g.Bytes()
	}
	if b.Len() < len(body) {
		br = b.Bytes()
	}
	return gz, br
}
