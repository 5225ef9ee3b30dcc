package admin

import (
	"regexp"
	"sort"
	"testing"
)

// TestLabelsMatch keeps the two interface languages in step: the same keys,
// and the same formatting verbs in the same order, so a Chinese page never
// shows a missing text or a "%!d(MISSING)".
func TestLabelsMatch(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*[a-zA-Z%]`)
	en, zh := labels["en"], labels["zh"]
	var keys []string
	for k := range en {
		keys = append(keys, k)
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("label %q is in Chinese only", k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		z, ok := zh[k]
		if !ok {
			t.Errorf("label %q is in English only", k)
			continue
		}
		if en[k] == "" || z == "" {
			t.Errorf("label %q is empty", k)
		}
		if a, b := verbs.FindAllString(en[k], -1), verbs.FindAllString(z, -1); len(a) != len(b) || !sameStrings(a, b) {
			t.Errorf("label %q: verbs %v in English, %v in Chinese", k, a, b)
		}
	}
}

func sameStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
