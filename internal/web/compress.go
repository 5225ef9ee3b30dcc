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
	if !worthCompressing(contentType, body) {
		return nil, nil
	}
	gzipLevel = validGzipLevel(gzipLevel)
	// Pages shrink to a third or less: one allocation each, mostly.
	var g, b bytes.Buffer
	g.Grow(len(body)/3 + 512)
	b.Grow(len(body)/3 + 512)
	gp := pool(&gzipPools, gzipLevel, func() any { return newGzip(gzipLevel) })
	zw := gp.Get().(*gzip.Writer)
	bp := pool(&brotliPools, brotliQuality, func() any { return newBrotli(brotliQuality) })
	bw := bp.Get().(*brotli.Writer)
	gz, br = compressInto(zw, bw, &g, &b, body)
	gp.Put(zw)
	bp.Put(bw)
	return gz, br
}

// A Compressor makes the gzip and brotli forms of one body after another
// with its own writers, into buffers it reuses: for a batch such as the
// static export, which writes both forms out before it compresses the next
// body, that saves allocating them for every page (and the pools' writers,
// which each collection may drop). It is not safe for concurrent use.
type Compressor struct {
	zw   *gzip.Writer
	bw   *brotli.Writer
	g, b bytes.Buffer
}

// NewCompressor returns a Compressor at these levels, on Compress's scales.
func NewCompressor(gzipLevel, brotliQuality int) *Compressor {
	return &Compressor{zw: newGzip(validGzipLevel(gzipLevel)), bw: newBrotli(brotliQuality)}
}

// Compress is the package's Compress, except that the slices it returns are
// the Compressor's own, valid until its next call.
func (c *Compressor) Compress(contentType string, body []byte) (gz, br []byte) {
	if !worthCompressing(contentType, body) {
		return nil, nil
	}
	c.g.Reset()
	c.b.Reset()
	return compressInto(c.zw, c.bw, &c.g, &c.b, body)
}

// worthCompressing reports whether a body gets compressed forms at all:
// not when it is too small to gain, or of a type that does not shrink.
func worthCompressing(contentType string, body []byte) bool {
	return len(body) >= 256 && Compressible(contentType)
}

func validGzipLevel(level int) int {
	if level < gzip.HuffmanOnly || level > gzip.BestCompression {
		return gzip.DefaultCompression
	}
	return level
}

func newGzip(level int) *gzip.Writer {
	w, _ := gzip.NewWriterLevel(nil, level) // the level is valid
	return w
}

func newBrotli(quality int) *brotli.Writer {
	return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: quality, LGWin: brotliWindow})
}

// compressInto writes body's two forms into g and b, keeping each only
// when it is smaller than body.
func compressInto(zw *gzip.Writer, bw *brotli.Writer, g, b *bytes.Buffer, body []byte) (gz, br []byte) {
	zw.Reset(g)
	zw.Write(body) // writes to a bytes.Buffer do not fail
	zw.Close()
	bw.Reset(b)
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
