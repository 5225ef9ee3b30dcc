package main

// Helpers for the end-to-end tests: build the real binary once, run its
// commands as subprocesses, start and stop `serve`, and drive headless
// Chromium through chromedp.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"newsdesk/internal/browsertest"
)

// seedDir holds the seed site and articles shared by every test.
const seedDir = "../../testdata/seed"

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// newsdeskBin builds the newsdesk binary once per test process and returns
// its path.
func newsdeskBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "newsdesk-e2e-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "newsdesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/newsdesk: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// seedFile is the absolute path of a file in testdata/seed.
func seedFile(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(seedDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cleanEnv is the test process's environment without NEWSDESK_* variables
// (except the test-tool ones), so a developer's settings cannot leak into
// the commands under test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NEWSDESK_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// cliResult is the outcome of one command.
type cliResult struct {
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// runCLI runs one newsdesk command to completion in dir and returns its exit
// code and output.
func runCLI(t testing.TB, dir string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, newsdeskBin(t), args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && exitErr.Exited():
		res.code = exitErr.ExitCode()
	default:
		t.Fatalf("newsdesk %s: %v\n%s", strings.Join(args, " "), err, res)
	}
	return res
}

// mustCLI runs a command that must exit 0 and print a summary matching want.
func mustCLI(t testing.TB, dir string, want *regexp.Regexp, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("newsdesk %s: want exit 0, got %s", strings.Join(args, " "), r)
	}
	if !want.MatchString(r.stdout) {
		t.Fatalf("newsdesk %s: stdout does not match %q:\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

// serveURLRe finds the address `serve` announces on stderr.
var serveURLRe = regexp.MustCompile(`msg=serving url=(http://\S+/)`)

// logBuf collects a subprocess's stderr and reports the served URL once.
type logBuf struct {
	mu   sync.Mutex
	b    bytes.Buffer
	urlc chan string
	sent bool
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if !l.sent {
		if m := serveURLRe.FindSubmatch(l.b.Bytes()); m != nil {
			l.sent = true
			l.urlc <- string(m[1])
		}
	}
	return len(p), nil
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is a running `newsdesk serve`.
type server struct {
	cmd    *exec.Cmd
	stderr *logBuf
	stdout bytes.Buffer
	done   chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, set before done closes
	url    string        // base URL with a trailing slash, once known
}

// startServe starts `newsdesk serve` in dir. It returns at once; use ready
// or exited to see what became of it. The process is killed when the test
// ends if it still runs.
func startServe(t testing.TB, dir string, args ...string) *server {
	t.Helper()
	s := &server{stderr: &logBuf{urlc: make(chan string, 1)}, done: make(chan struct{})}
	s.cmd = exec.Command(newsdeskBin(t), append([]string{"serve"}, args...)...)
	s.cmd.Dir = dir
	s.cmd.Env = cleanEnv()
	s.cmd.Stdout = &s.stdout
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// exitCode is the exit code of a process that has exited.
func (s *server) exitCode() int {
	var exitErr *exec.ExitError
	if errors.As(s.err, &exitErr) {
		return exitErr.ExitCode()
	}
	if s.err != nil {
		return -1
	}
	return 0
}

// ready waits until serve announces its URL and /readyz answers 200.
func (s *server) ready(t testing.TB) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	select {
	case s.url = <-s.stderr.urlc:
	case <-s.done:
		t.Fatalf("serve exited with code %d before serving:\n%s", s.exitCode(), s.stderr)
	case <-deadline:
		t.Fatalf("serve did not announce its URL within 20 s:\n%s", s.stderr)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	var last string
	for {
		resp, err := client.Get(s.url + "readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = fmt.Sprintf("status %d: %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited with code %d while waiting for /readyz:\n%s", s.exitCode(), s.stderr)
		case <-deadline:
			t.Fatalf("/readyz not ready within 20 s (last: %s):\n%s", last, s.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// exited waits up to d for the process to exit by itself and returns its
// exit code, or fails the test.
func (s *server) exited(t testing.TB, d time.Duration) int {
	t.Helper()
	select {
	case <-s.done:
		return s.exitCode()
	case <-time.After(d):
		t.Fatalf("serve still running after %v:\n%s", d, s.stderr)
		return -1
	}
}

// stop sends SIGTERM and asserts a graceful exit 0 within 10 s.
func (s *server) stop(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	start := time.Now()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not exit within 10 s of SIGTERM:\n%s", s.stderr)
	}
	if code := s.exitCode(); code != 0 {
		t.Fatalf("serve exited with code %d after SIGTERM (want 0, graceful shutdown):\n%s", code, s.stderr)
	}
	t.Logf("serve stopped gracefully in %v", time.Since(start).Round(time.Millisecond))
}

// get fetches a URL and returns status and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// browser is one headless Chromium shared by the subtests of a test; each
// caller of tab gets its own tab.
type browser struct {
	once sync.Once
	ctx  context.Context // the first tab's context, which owns the browser
	err  error
}

// tab opens a new tab in the shared browser, started on first use and
// stopped when the test that made b ends. The tab closes when t ends.
func (b *browser) tab(t *testing.T, root *testing.T) context.Context {
	t.Helper()
	path := browsertest.Path(t, "the browser checks")
	b.once.Do(func() {
		// Started for root, so it outlives this subtest; errors are kept
		// for every caller, since only a test's own goroutine may fail it.
		b.ctx, b.err = browsertest.StartErr(root, path, 3*time.Minute)
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	// The first run opens the tab; it must not carry a timeout, which would
	// close the tab when it expires. Later steps use step().
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`1`)); err != nil {
		t.Fatalf("open a Chromium tab: %v", err)
	}
	return ctx
}

// step runs one browser action with a 20 s limit.
func step[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}
