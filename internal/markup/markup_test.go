package markup

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// hostileDir holds the XSS payload lists copied from shared/testdata (see its
// SOURCE.md), so the tests run where shared/ is absent.
const hostileDir = "../../testdata/hostile"

var testSanitizer = NewSanitizer()

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs kept", `<p>One</p><p>Two<br>lines</p>`, `<p>One</p><p>Two<br>lines</p>`},
		{"inline formatting kept", `<p><strong>a</strong><b>b</b><em>c</em><i>d</i><u>e</u><s>f</s>H<sub>2</sub>O x<sup>2</sup></p>`,
			`<p><strong>a</strong><b>b</b><em>c</em><i>d</i><u>e</u><s>f</s>H<sub>2</sub>O x<sup>2</sup></p>`},
		{"lists and quotes kept", `<blockquote><ul><li>a</li></ul><ol><li>b</li></ol></blockquote>`, `<blockquote><ul><li>a</li></ul><ol><li>b</li></ol></blockquote>`},
		{"h1 becomes h2", `<h1 class="big">Title</h1><h3>Sub</h3>`, `<h2>Title</h2><h3>Sub</h3>`},
		{"h2 to h6 kept", `<h2>2</h2><h4>4</h4><h5>5</h5><h6>6</h6>`, `<h2>2</h2><h4>4</h4><h5>5</h5><h6>6</h6>`},
		{"pre code hr", `<pre><code>x := 1</code></pre><hr>`, `<pre><code>x := 1</code></pre><hr>`},
		{"figure with image", `<figure><img src="https://img.example.com/a.jpg" alt="Xi and Lukashenko" width="640" height="480"><figcaption>Samarkand</figcaption></figure>`,
			`<figure><img src="https://img.example.com/a.jpg" alt="Xi and Lukashenko" width="640" height="480"><figcaption>Samarkand</figcaption></figure>`},
		{"image size must be a number", `<img src="/a.jpg" width="100px" height="50%">`, `<img src="/a.jpg" height="50%">`},
		{"relative image", `<img src="/media/a.png" alt="a">`, `<img src="/media/a.png" alt="a">`},
		{"table spans", `<table><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td rowspan="3">c</td><td colspan="x">d</td></tr></tbody></table>`,
			`<table><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td rowspan="3">c</td><td>d</td></tr></tbody></table>`},
		{"external link gets rel", `<a href="https://example.com/x?a=1&amp;b=2">x</a>`, `<a href="https://example.com/x?a=1&amp;b=2" rel="nofollow noreferrer">x</a>`},
		{"relative link has no rel", `<a href="/en/news/2022/09/16/x/">x</a>`, `<a href="/en/news/2022/09/16/x/">x</a>`},
		{"mailto link", `<a href="mailto:desk@example.com">mail</a>`, `<a href="mailto:desk@example.com">mail</a>`},
		{"link without href dropped", `<a name="x">text</a>`, `text`},
		{"script removed with content", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`},
		{"style removed with content", `<style>p{color:red}</style><p>a</p>`, `<p>a</p>`},
		{"iframe removed", `<iframe src="https://evil.example/"></iframe><p>a</p>`, `<p>a</p>`},
		{"object and embed removed", `<object data="x.swf"><embed src="x.swf"></object>b`, `b`},
		{"event attributes removed", `<p onclick="alert(1)" onmouseover=x>a</p>`, `<p>a</p>`},
		{"style and class attributes removed", `<p style="color:red" class="c" id="i">a</p>`, `<p>a</p>`},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"javascript href obfuscated", `<a href=" JaVa&#09;ScRiPt:alert(1)">x</a>`, `x`},
		{"data href", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, `x`},
		{"data image refused", `<img src="data:image/png;base64,iVBORw0KGgo=" alt="a">`, `<img alt="a">`},
		{"javascript image", `<img src="javascript:alert(1)">`, ``},
		{"onerror image", `<img src=x onerror=alert(1)>`, `<img src="x">`},
		{"svg removed", `<svg onload=alert(1)><script>alert(1)</script></svg>ok`, `ok`},
		{"form removed", `<form action="/x"><input name="q"><button>Go</button></form>`, `Go`},
		{"text escaped", `<p>AT&amp;T says 1 &lt; 2 &amp;&amp; 3 &gt; 2</p>`, `<p>AT&amp;T says 1 &lt; 2 &amp;&amp; 3 &gt; 2</p>`},
		{"chinese text kept", `<p>国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>`, `<p>国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>`},
		{"comments removed", `<p>a<!-- secret --></p>`, `<p>a</p>`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testSanitizer.Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSafe(t, tt.in, got)
		})
	}
}

func TestSanitizerConcurrent(t *testing.T) {
	in := `<p onclick="x">a <a href="https://example.com/">b</a></p><h1>c</h1>`
	want := testSanitizer.Sanitize(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := testSanitizer.Sanitize(in); got != want {
					t.Errorf("concurrent Sanitize = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestSanitizeHostile feeds every line of every XSS list, and each list whole,
// through the sanitizer.
func TestSanitizeHostile(t *testing.T) {
	files := hostileFiles(t)
	n := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		checkSafe(t, path, testSanitizer.Sanitize(string(data)))
		for line := range strings.Lines(string(data)) {
			checkSafe(t, line, testSanitizer.Sanitize(line))
			n++
		}
	}
	if n < 4000 {
		t.Errorf("checked only %d hostile lines; are the lists in %s complete?", n, hostileDir)
	}
}

// hostileFiles lists the payload files: every file under xss/ and the Big List
// of Naughty Strings.
func hostileFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(hostileDir, "xss"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("hostile lists missing: %v", err)
	}
	files = append(files, filepath.Join(hostileDir, "blns", "blns.txt"))
	if len(files) < 15 {
		t.Fatalf("found only %d hostile files", len(files))
	}
	return files
}

func FuzzSanitize(f *testing.F) {
	for _, path := range hostileFiles(f) {
		file, err := os.Open(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			f.Add(sc.Text())
		}
		file.Close()
	}
	f.Add(`<a href="https://example.com/">x</a><h1>t</h1><img src="/a.png" width="1">`)
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, in, testSanitizer.Sanitize(in))
	})
}

// allowed is every element and attribute that may appear in sanitized output
// once a browser has parsed it (html, head, body and tbody are added by the
// parser).
var allowed = map[string]map[string]bool{
	"a": {"href": true, "rel": true}, "img": {"src": true, "alt": true, "width": true, "height": true},
	"th": {"colspan": true, "rowspan": true}, "td": {"colspan": true, "rowspan": true},
	"html": nil, "head": nil, "body": nil,
	"p": nil, "br": nil, "hr": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"strong": nil, "b": nil, "em": nil, "i": nil, "u": nil, "s": nil, "sub": nil, "sup": nil,
	"blockquote": nil, "ul": nil, "ol": nil, "li": nil, "figure": nil, "figcaption": nil,
	"table": nil, "caption": nil, "thead": nil, "tbody": nil, "tfoot": nil, "tr": nil,
	"pre": nil, "code": nil,
	"div": nil, "span": nil, "q": nil, "cite": nil, "abbr": nil, "small": nil, "mark": nil, "del": nil, "ins": nil,
}

// checkSafe asserts the sanitizer's promises for one output: no script, no
// event handler, no script or data URL, nothing outside the allow list, and
// sanitizing again changes nothing.
func checkSafe(t testing.TB, in, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Errorf("input %q: output contains <script: %q", in, out)
	}
	if again := testSanitizer.Sanitize(out); again != out {
		t.Errorf("input %q: not idempotent:\n once  %q\n twice %q", in, out, again)
	}
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("input %q: output does not parse: %v", in, err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attrs, ok := allowed[n.Data]
		if !ok {
			t.Errorf("input %q: element <%s> in output %q", in, n.Data, out)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				t.Errorf("input %q: event attribute %s on <%s> in output %q", in, a.Key, n.Data, out)
			}
			if !attrs[key] {
				t.Errorf("input %q: attribute %s on <%s> in output %q", in, a.Key, n.Data, out)
			}
			if key == "href" || key == "src" {
				if u := squeeze(a.Val); strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:") || strings.HasPrefix(u, "data:") {
					t.Errorf("input %q: %s=%q on <%s> in output %q", in, a.Key, a.Val, n.Data, out)
				}
			}
		}
	}
}

// squeeze lowercases a URL and drops the whitespace and control characters
// browsers ignore inside a scheme, so "java\tscript:" is seen for what it is.
func squeeze(u string) string {
	var b bytes.Buffer
	for _, r := range strings.ToLower(u) {
		if r > ' ' && r != 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestSanitizeBalances: sanitized bodies are closed fragments, so a stray
// end tag cannot close the page's markup around the article.
func TestSanitizeBalances(t *testing.T) {
	for in, want := range map[string]string{
		"<p>a</p></div><p>b</p>":        "<p>a</p><p>b</p>",
		"<div><p>open":                  "<div><p>open</p></div>",
		"</blockquote>text<blockquote>": "text<blockquote></blockquote>",
		"<table><tr><td>x</td></tr>":    "<table><tbody><tr><td>x</td></tr></tbody></table>",
	} {
		if got := testSanitizer.Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
