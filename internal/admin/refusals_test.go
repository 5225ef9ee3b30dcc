package admin

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/news"
)

// TestEveryRefusalSaidInChinese: each refusal the workflow can give has a
// Chinese text with the same placeholders, so a Chinese newsroom never
// meets an English sentence there.
func TestEveryRefusalSaidInChinese(t *testing.T) {
	src, err := os.ReadFile("../news/workflow.go")
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`refuse\(("(?:[^"\\]|\\.)*")`).FindAllSubmatch(src, -1)
	if len(found) < 10 {
		t.Fatalf("found only %d refusals in workflow.go", len(found))
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, m := range found {
		format, err := strconv.Unquote(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		zh, ok := refusalsZH[format]
		if !ok {
			t.Errorf("no Chinese for %q", format)
			continue
		}
		if a, b := verbs.FindAllString(format, -1), verbs.FindAllString(zh, -1); strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q: placeholders %v, Chinese %v", format, a, b)
		}
	}
}

func TestRefusalInTheEditorsLanguage(t *testing.T) {
	_, _, err := news.Apply(news.Article{Status: news.StatusDraft, ChannelPath: "news"},
		news.Step{Transition: news.TransitionRetract, Actor: news.User{Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}})
	var refused *news.TransitionError
	if !errors.As(err, &refused) {
		t.Fatalf("err = %v", err)
	}
	if got := refusal("zh", refused); got != "无法对状态为「草稿」的文章执行「撤回」：只有已发布的文章可以撤回" {
		t.Errorf("zh: %s", got)
	}
	if got := refusal("en", refused); got != refused.Error() || !strings.Contains(got, "only published articles can be retracted") {
		t.Errorf("en: %s", got)
	}
}
