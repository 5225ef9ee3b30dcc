package site

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// HostileLinesForTest gives the external tests (the browser tests) the
// same hostile lines the equivalence tests here read.
var HostileLinesForTest = hostileLines

// hostileLines is every non-empty line of every file under
// testdata/hostile/xss and testdata/hostile/blns, in a stable order, and
// how many files they came from.
func hostileLines(t testing.TB) (lines []string, files int) {
	t.Helper()
	for _, dir := range []string{"testdata/hostile/xss", "testdata/hostile/blns"} {
		err := filepath.WalkDir(filepath.Join("..", "..", dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			files++
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
			for sc.Scan() {
				if line := strings.TrimSuffix(sc.Text(), "\r"); strings.TrimSpace(line) != "" {
					lines = append(lines, line)
				}
			}
			return sc.Err()
		})
		if err != nil {
			t.Fatalf("read %s: %v", dir, err)
		}
	}
	return lines, files
}
