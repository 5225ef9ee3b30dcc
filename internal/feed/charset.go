package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"

	"golang.org/x/net/html/charset"
)

// xmlDeclEncoding is the encoding pseudo-attribute of an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(?:"[^"]*"|'[^']*')`)

// DecodeCharset applies the charset of an HTTP Content-Type to a fetched
// feed, as RFC 7303 says: the header's charset wins over the document's own
// XML declaration (a byte order mark wins over both). The result is UTF-8
// with its declaration saying so. Without a charset in the header, or with
// UTF-8, data is returned as it is and the parser reads the declaration.
// Chinese sites still send GB2312 and GBK this way.
func DecodeCharset(data []byte, contentType string) ([]byte, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return data, nil
	}
	label := strings.ToLower(strings.Trim(strings.TrimSpace(params["charset"]), `'"`))
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return data, nil
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")) {
		return data, nil
	}
	enc, _ := charset.Lookup(label)
	if enc == nil {
		return nil, fmt.Errorf("the server declares charset %q, which is not a known encoding", label)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decoding the feed as %s: %w", label, err)
	}
	return xmlDeclEncoding.ReplaceAll(out, []byte(`${1}"utf-8"`)), nil
}
