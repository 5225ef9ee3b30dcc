package feed

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validatorDirs are where the W3C feed validator's test cases are (copied
// into the repository with their SOURCE.md).
var validatorDirs = []string{"../../testdata/feeds/feedvalidator"}

// lintClasses are the validator message classes Lint implements, for the
// formats Newsdesk writes.
var lintClasses = map[string]bool{
	"MissingElement": true, "InvalidRFC2822Date": true, "InvalidRFC3339Date": true, "DuplicateAtomLink": true,
	"InvalidHttpGUID": true, "MissingGuid": true, "ItemMustContainTitleOrDescription": true, "InvalidLanguage": true,
	"InvalidNamespace": true, "MissingSelf": true,
}

// TestLintAgainstValidatorCases runs Lint over the validator's own cases of
// the rules it implements: every case the validator calls valid must pass
// Lint's XML parsing, and the invalid ones must be caught at least as often
// as recorded here, so Lint's rules are the validator's, not ours.
func TestLintAgainstValidatorCases(t *testing.T) {
	validatorDir := ""
	for _, d := range validatorDirs {
		if _, err := os.Stat(filepath.Join(d, "MANIFEST.tsv")); err == nil {
			validatorDir = d
			break
		}
	}
	if validatorDir == "" {
		t.Skipf("!!! SKIPPING: the feed validator cases are in none of %v", validatorDirs)
	}
	f, err := os.Open(filepath.Join(validatorDir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	caught, total := map[string]int{}, map[string]int{}
	var falsePositives []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 5 {
			continue
		}
		path, dir, verdict, class := col[0], col[1], col[2], col[4]
		name := map[string]string{"atom": AtomName, "rss20": RSSName}[dir]
		if name == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(validatorDir, "testcases", path))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(verdict, "valid") {
			// The validator accepts these: Lint must not call their dates,
			// links or namespace wrong (it may miss what we never write,
			// such as a self link, which the validator only warns about).
			for _, p := range Lint(name, data) {
				for _, c := range []string{"InvalidRFC3339Date", "InvalidRFC2822Date", "DuplicateAtomLink", "InvalidNamespace", "not well-formed"} {
					if strings.HasPrefix(p, c) {
						falsePositives = append(falsePositives, path+": "+p)
					}
				}
			}
			continue
		}
		if verdict != "invalid" || !lintClasses[class] {
			continue
		}
		total[class]++
		for _, p := range Lint(name, data) {
			if strings.HasPrefix(p, class+":") {
				caught[class]++
				break
			}
		}
	}
	// What Lint catches today; the misses are in elements Newsdesk never
	// writes (dc:date, textInput, ...). A lower count is a regression.
	floor := map[string]int{"DuplicateAtomLink": 8, "InvalidRFC3339Date": 59, "MissingElement": 11, "InvalidRFC2822Date": 1,
		"InvalidHttpGUID": 1, "ItemMustContainTitleOrDescription": 1, "InvalidNamespace": 2}
	for class, n := range total {
		t.Logf("%-34s caught %d of %d", class, caught[class], n)
		if caught[class] < floor[class] {
			t.Errorf("%s: Lint caught %d of the validator's %d cases, fewer than the %d it used to", class, caught[class], n, floor[class])
		}
	}
	for _, fp := range falsePositives {
		t.Error("Lint refuses what the validator accepts: " + fp)
	}
}
