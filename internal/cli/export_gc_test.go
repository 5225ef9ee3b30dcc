package cli

import (
	"runtime/debug"
	"testing"
)

// TestBatchGC: the export tunes the collector unless GOGC or GOMEMLIMIT is
// set, and puts the previous settings back when it is done.
func TestBatchGC(t *testing.T) {
	cases := []struct {
		name             string
		env              map[string]string
		wantPercentTuned bool
		wantLimitTuned   bool
	}{
		{"neither set", map[string]string{}, true, true},
		{"GOGC set", map[string]string{"GOGC": "100"}, false, true},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "2GiB"}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			beforePercent := debug.SetGCPercent(100)
			beforeLimit := debug.SetMemoryLimit(-1)
			defer debug.SetGCPercent(beforePercent)
			restore := batchGC(func(k string) string { return c.env[k] })
			percent := debug.SetGCPercent(-1)
			debug.SetGCPercent(percent)
			limit := debug.SetMemoryLimit(-1)
			if (percent == batchGCPercent) != c.wantPercentTuned {
				t.Errorf("GC percent %d during the export", percent)
			}
			if (limit == 1<<30) != c.wantLimitTuned {
				t.Errorf("memory limit %d during the export", limit)
			}
			restore()
			if p := debug.SetGCPercent(-1); p != 100 {
				t.Errorf("GC percent %d after the export, want 100 back", p)
			}
			debug.SetGCPercent(100)
			if l := debug.SetMemoryLimit(-1); l != beforeLimit {
				t.Errorf("memory limit %d after the export, want %d back", l, beforeLimit)
			}
		})
	}
}
