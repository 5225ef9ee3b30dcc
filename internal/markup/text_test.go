package markup

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "  just   text\n here ", "just text here"},
		{"paragraphs are separated", "<p>One.</p><p>Two.</p>", "One. Two."},
		{"br separates", "a<br>b<br/>c", "a b c"},
		{"inline joins", "<p>news<b>desk</b> and <a href=\"/\">co</a>.</p>", "newsdesk and co."},
		{"entities decoded", "<p>AT&amp;T &lt;3 caf&eacute;&nbsp;bar</p>", "AT&T <3 café bar"},
		{"script and style dropped", "<style>p{}</style><p>a</p><script>var x = '<p>b</p>';</script><p>c</p>", "a c"},
		{"comments dropped", "a<!-- b -->c", "ac"},
		{"chinese", "<p>国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>\n<p>两国元首决定将双边关系提升为全天候全面战略伙伴关系。</p>",
			"国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。 两国元首决定将双边关系提升为全天候全面战略伙伴关系。"},
		{"table cells separated", "<table><tr><td>a</td><td>b</td></tr></table>", "a b"},
		{"broken markup", "<p>a <b>b <i>c", "a b c"},
		{"lone ampersand and angle", "1 < 2 & 3 > 2", "1 < 2 & 3 > 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	en := "<p>Chinese President Xi Jinping on Thursday afternoon met with Belarusian President Alexander Lukashenko.</p>"
	zh := "<p>9月15日下午，国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>"
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "<p>Short text.</p>", 20, "Short text."},
		{"exact fit", "<p>abcde</p>", 5, "abcde"},
		{"cut at word", en, 30, "Chinese President Xi Jinping…"},
		{"cut drops trailing comma", "<p>One, two, three, four</p>", 10, "One, two…"},
		{"long word cut hard", "<p>Supercalifragilisticexpialidocious word</p>", 10, "Supercali…"},
		{"chinese cut between characters", zh, 12, "9月15日下午，国家主…"},
		{"chinese full budget", "<p>国家主席习近平。两国元首</p>", 8, "国家主席习近平…"},
		{"chinese cut before punctuation drops it", "<p>两国元首决定。下午</p>", 7, "两国元首决定…"},
		{"chinese no cut after opening quote", "<p>他说「两国元首」下午</p>", 4, "他说…"},
		{"combining mark kept with base", "<p>e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301</p>", 4, "e\u0301…"},
		{"one rune budget", en, 1, "…"},
		{"zero budget", en, 0, ""},
		{"negative budget", en, -3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max > 0 && utf8.RuneCountInString(got) > tt.max {
				t.Errorf("Excerpt(%q, %d) = %q is %d runes long", tt.in, tt.max, got, utf8.RuneCountInString(got))
			}
		})
	}
}

func FuzzExcerpt(f *testing.F) {
	f.Add("<p>国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>", 10)
	f.Add("<p>Chinese President Xi Jinping met Lukashenko.</p>", 12)
	f.Fuzz(func(t *testing.T, in string, max int) {
		got := Excerpt(in, max)
		if max > 0 && utf8.RuneCountInString(got) > max {
			t.Fatalf("Excerpt(%q, %d) = %q: too long", in, max, got)
		}
		if !utf8.ValidString(got) && utf8.ValidString(in) {
			t.Fatalf("Excerpt(%q, %d) = %q: invalid UTF-8", in, max, got)
		}
		if text := PlainText(in); max > 0 && !strings.HasPrefix(text, strings.TrimSuffix(got, Ellipsis)) {
			t.Fatalf("Excerpt(%q, %d) = %q is not a prefix of %q", in, max, got, text)
		}
	})
}
