// Package browsertest starts the headless Chromium that Newsdesk's page
// tests drive with chromedp, the same way in every package: Debian's
// chromium (or NEWSDESK_CHROMIUM) with the flags this closed network needs
// and a fresh profile. Without Chromium a test fails under CI=true and is
// skipped loudly otherwise. Only tests import it.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is the Chromium to drive; what names the tests for the skip message.
func Path(tb testing.TB, what string) string {
	tb.Helper()
	p := os.Getenv("NEWSDESK_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		msg := fmt.Sprintf("Chromium not found at %s (%v)", p, err)
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s: CI=true, the browser tests must run. Install Debian's `chromium` or set NEWSDESK_CHROMIUM (scripts/test does it).", msg)
		}
		tb.Skipf("!!! SKIPPING %s: %s. Install Debian's `chromium` or set NEWSDESK_CHROMIUM, or run scripts/test.", what, msg)
	}
	return p
}

// Start launches Chromium with a fresh profile and returns the context of
// its first tab, which owns the browser. Browser and profile go when tb
// ends; guard bounds the browser's whole life against a wedged process.
// extra adds allocator options (e.g. a proxy). It must be called from the
// goroutine of tb's test; StartErr reports instead of failing.
func Start(tb testing.TB, path string, guard time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	tb.Helper()
	ctx, err := StartErr(tb, path, guard, extra...)
	if err != nil {
		tb.Fatal(err)
	}
	return ctx
}

// StartErr is Start returning its failure.
func StartErr(tb testing.TB, path string, guard time.Duration, extra ...chromedp.ExecAllocatorOption) (context.Context, error) {
	dir, err := os.MkdirTemp("", "newsdesk-chromium-")
	if err != nil {
		return nil, err
	}
	tb.Cleanup(func() {
		// Chromium's children may still write for a moment after it stops.
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
	)
	opts = append(opts, extra...)
	guardCtx, cancelGuard := context.WithTimeout(context.Background(), guard)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(guardCtx, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() { cancelCtx(); cancelAlloc(); cancelGuard() })
	start := time.Now()
	// The first run opens the tab; it must not carry a timeout, which would
	// close the tab when it expires.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`1`)); err != nil {
		return nil, fmt.Errorf("start Chromium %s: %w", path, err)
	}
	tb.Logf("Chromium started in %v", time.Since(start).Round(time.Millisecond))
	return ctx, nil
}
