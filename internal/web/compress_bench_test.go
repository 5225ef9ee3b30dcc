package web

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	kpgzip "github.com/klauspost/compress/gzip"
)

// benchPages are article pages made of real news text in English and
// Chinese (testdata/articles) inside page chrome like the portal's: head
// links, navigation and footer, which repeat from page to page.
func benchPages(b *testing.B) [][]byte {
	b.Helper()
	var files []string
	for _, glob := range []string{"en-wikinews-gum/news_*.txt", "zh-wikinews-gcdt/text/gcdt_news_*.txt"} {
		m, err := filepath.Glob(filepath.Join("../../testdata/articles", glob))
		if err != nil || len(m) == 0 {
			b.Fatalf("no test articles at %s: %v", glob, err)
		}
		files = append(files, m...)
	}
	var chrome strings.Builder
	for i := range 12 {
		fmt.Fprintf(&chrome, "<link rel=\"alternate\" type=\"application/rss&#43;xml\" title=\"National Energy Administration - Channel %d (RSS)\" href=\"/en/news/channel-%d/feed.xml\">\n", i, i)
	}
	chrome.WriteString("</head>\n<body>\n<header class=\"masthead\"><div class=\"wrap\"><nav class=\"mainnav\" aria-label=\"Sections\"><ul>\n")
	for i := range 10 {
		fmt.Fprintf(&chrome, "<li><a href=\"/en/section-%d/\">Section %d</a></li>\n", i, i)
	}
	chrome.WriteString("</ul></nav></div></header>\n<main id=\"content\" class=\"wrap\">\n<article class=\"story\">\n")
	var pages [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		var p bytes.Buffer
		paras := strings.Split(strings.TrimSpace(string(data)), "\n\n")
		fmt.Fprintf(&p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", html.EscapeString(paras[0]))
		p.WriteString(chrome.String())
		fmt.Fprintf(&p, "<h1>%s</h1>\n<div class=\"body\">\n", html.EscapeString(paras[0]))
		for _, para := range paras[1:] {
			fmt.Fprintf(&p, "<p>%s</p>\n", html.EscapeString(para))
		}
		p.WriteString("</div>\n</article>\n</main>\n<footer class=\"sitefoot\"><div class=\"wrap\"><ul><li><a href=\"/en/about-us/\">About us</a></li>" +
			"<li><a href=\"/en/corrections/\">Corrections</a></li></ul><p>Sponsor: National Energy Administration</p></div></footer>\n</body>\n</html>\n")
		pages = append(pages, p.Bytes())
	}
	return pages
}

// BenchmarkPageCompression compares the gzip encoders at the levels a
// static export might use, and brotli at the export's quality, on the same
// pages: ns/op is per page, ratio is compressed over plain bytes.
func BenchmarkPageCompression(b *testing.B) {
	pages := benchPages(b)
	// Writers are made once and reset for each page, as Compress pools them.
	type resetter interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	type encoder struct {
		name string
		w    func(io.Writer) resetter
	}
	var encoders []encoder
	for _, level := range []int{stdgzip.BestCompression, stdgzip.DefaultCompression, 5, 4} {
		encoders = append(encoders, encoder{fmt.Sprintf("stdlib-gzip-%d", level), func(w io.Writer) resetter {
			z, _ := stdgzip.NewWriterLevel(w, level)
			return z
		}})
	}
	for _, level := range []int{kpgzip.BestCompression, kpgzip.DefaultCompression, 7, 6, 5, 4, 3} {
		encoders = append(encoders, encoder{fmt.Sprintf("klauspost-gzip-%d", level), func(w io.Writer) resetter {
			z, _ := kpgzip.NewWriterLevel(w, level)
			return z
		}})
	}
	encoders = append(encoders, encoder{"brotli-4", func(w io.Writer) resetter {
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: 4, LGWin: brotliWindow})
	}})
	for _, enc := range encoders {
		b.Run(enc.name, func(b *testing.B) {
			var out bytes.Buffer
			var plain, packed int64
			i := 0
			w := enc.w(io.Discard)
			for b.Loop() {
				page := pages[i%len(pages)]
				i++
				out.Reset()
				w.Reset(&out)
				w.Write(page)
				w.Close()
				plain += int64(len(page))
				packed += int64(out.Len())
			}
			b.ReportMetric(float64(packed)/float64(plain), "ratio")
			b.SetBytes(plain / int64(max(i, 1)))
		})
	}
}

// BenchmarkCompress is Compress itself on the same pages, pooled writers
// included.
func BenchmarkCompress(b *testing.B) {
	pages := benchPages(b)
	i := 0
	for b.Loop() {
		Compress("text/html; charset=utf-8", pages[i%len(pages)], stdgzip.DefaultCompression, 4)
		i++
	}
}
