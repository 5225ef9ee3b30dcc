package admin

import (
	"strings"
	"testing"
)

func TestDiffText(t *testing.T) {
	render := func(parts []diffPart) string {
		var b strings.Builder
		for _, p := range parts {
			switch p.Op {
			case "+":
				b.WriteString("[+" + p.Text + "]")
			case "-":
				b.WriteString("[-" + p.Text + "]")
			default:
				b.WriteString(p.Text)
			}
		}
		return b.String()
	}
	for _, c := range []struct {
		name, old, new string
		byChar         bool
		want           string
	}{
		{"a word replaced", "The quick brown fox", "The slow brown fox", false, "The [-quick][+slow] brown fox"},
		{"words added", "Coal output rose.", "Coal output rose sharply in May.", false, "Coal output [-rose.][+rose sharply in May.]"},
		{"nothing changed", "Same text", "Same text", false, "Same text"},
		{"from empty", "", "New text", false, "[+New text]"},
		{"to empty", "Old text", "", false, "[-Old text]"},
		{"a character replaced", "国家能源局发布通知", "国家能源局公布通知", true, "国家能源局[-发][+公]布通知"},
		{"characters added", "供暖保障有力", "供暖保障充足有力", true, "供暖保障[+充足]有力"},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts := diffText(c.old, c.new, c.byChar)
			if got := render(parts); got != c.want {
				t.Errorf("diff %q → %q:\n got %s\nwant %s", c.old, c.new, got, c.want)
			}
			var old, neu strings.Builder
			for _, p := range parts {
				if p.Op != "+" {
					old.WriteString(p.Text)
				}
				if p.Op != "-" {
					neu.WriteString(p.Text)
				}
			}
			if old.String() != c.old || neu.String() != c.new {
				t.Errorf("the parts do not rebuild the texts: %q, %q", old.String(), neu.String())
			}
		})
	}
}

// TestDiffManyWords: more distinct words than the surrogate gap, so token
// runes cross it and must still come back as the words they name.
func TestDiffManyWords(t *testing.T) {
	var a, b []string
	for i := range 0xD800 + 500 {
		w := "w" + itoa(int64(i))
		a = append(a, w)
		if i%1000 == 7 {
			w = "changed" + itoa(int64(i))
		}
		b = append(b, w)
	}
	old, neu := strings.Join(a, " "), strings.Join(b, " ")
	parts := diffText(old, neu, false)
	var rebuilt strings.Builder
	changes := 0
	for _, p := range parts {
		if p.Op != "-" {
			rebuilt.WriteString(p.Text)
		}
		if p.Op == "+" {
			changes++
		}
	}
	if rebuilt.String() != neu {
		t.Fatal("the new text does not come back from the diff")
	}
	if changes != 56 {
		t.Errorf("%d insertions, want 56", changes)
	}
	for i := range 0xE000 {
		if r := tokenRune(i); tokenIndex(r) != i || (r >= 0xD800 && r < 0xE000) {
			t.Fatalf("token %d → rune %U → %d", i, r, tokenIndex(r))
		}
	}
}

func TestSplitWords(t *testing.T) {
	for _, s := range []string{"", "one", " lead", "trail ", "two  spaces here", "tab\tand\nnewline"} {
		if got := strings.Join(splitWords(s), ""); got != s {
			t.Errorf("splitWords(%q) joins to %q", s, got)
		}
	}
	if got := splitWords("a  b"); len(got) != 3 || got[1] != "  " {
		t.Errorf("splitWords(\"a  b\") = %q", got)
	}
}
