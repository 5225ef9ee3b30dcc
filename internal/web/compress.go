package web

import (
	"bytes"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Compressible reports whether a response of this Content-Type is worth
// compressing: text, markup, JSON and scripts, not images or archives.
func Compressible(contentType string) bool {
	ct := strings.ToLower(contentType)
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "javascript") || strings.HasPrefix(ct, "image/svg")
}

// brotliWindow is the brotli window as a power of two: 256 KiB covers any
// page, where the default (4 MiB) would make each writer allocate megabytes.
const brotliWindow = 18

// Compressors are pooled: a gzip writer holds about a megabyte and a
// brotli one more, which a burst of cache misses would otherwise allocate
// afresh for each page.
var (
	gzipPools   sync.Map // level -> *sync.Pool of *gzip.Writer
	brotliPools sync.Map // quality -> *sync.Pool of *brotli.Writer
)

func pool(m *sync.Map, key int, make func() any) *sync.Pool {
	if p, ok := m.Load(key); ok {
		return p.(*sync.Pool)
	}
	p, _ := m.LoadOrStore(key, &sync.Pool{New: make})
	return p.(*sync.Pool)
}

// Compress makes a body's gzip and brotli forms, once, for the page cache
// and the static export. Either is nil when it would not be smaller, or
// when the body is too small or not compressible to begin with.
// gzipLevel is on compress/gzip's scale; the encoder is klauspost's, which
// at the default level takes 40% of the standard library's time for
// files about 1% larger (BenchmarkPageCompression).
func Compress(contentType string, body []byte, gzipLevel, brotliQuality int) (gz, br []byte) {
	if len(body) < 256 || !Compressible(contentType) {
		return nil, nil
	}
	if gzipLevel < gzip.HuffmanOnly || gzipLevel > gzip.BestCompression {
		gzipLevel = gzip.DefaultCompression
	}
	// Pages shrink to a third or less: one allocation each, mostly.
	var g bytes.Buffer
	g.Grow(len(body)/3 + 512)
	gp := pool(&gzipPools, gzipLevel, func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w })
	zw := gp.Get().(*gzip.Writer)
	zw.Reset(&g)
	zw.Write(body)
	zw.Close()
	gp.Put(zw)
	var b bytes.Buffer
	b.Grow(len(body)/3 + 512)
	bp := pool(&brotliPools, brotliQuality, func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
	})
	bw := bp.Get().(*brotli.Writer)
	bw.Reset(&b)
	bw.Write(body)
	bw.Close()
	bp.Put(bw)
	if g.Len() < len(body) {
		gz = g.Bytes()
	}
	if b.Len() < len(body) {
		br = b.Bytes()
	}
	return gz, br
}
