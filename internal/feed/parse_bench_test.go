package feed

import (
	"fmt"
	"strings"
	"testing"
)

// benchRSS is a 100-item agency feed with full bodies.
func benchRSS() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title><link>https://wire.example/</link>`)
	for i := range 100 {
		fmt.Fprintf(&b, `<item><guid>w-%d</guid><title>Story %d</title><description>Summary %d</description><content:encoded><![CDATA[%s]]></content:encoded><pubDate>Mon, 30 Nov 2026 08:00:00 +0800</pubDate><category>Economy</category></item>`,
			i, i, i, strings.Repeat("<p>A paragraph of wire copy with some words in it.</p>", 12))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// BenchmarkParseFeed: reading one poll's worth of a busy wire.
func BenchmarkParseFeed(b *testing.B) {
	data := benchRSS()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if f, err := ParseFeed(data, WireRSS); err != nil || len(f.Items) != 100 {
			b.Fatal(err)
		}
	}
}
