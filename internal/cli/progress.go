package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress reports a long run on stderr: a bar when stderr is a terminal,
// one plain line per item otherwise (logs, CI, pipes).
type progress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int
	n     int
}

func newProgress(w io.Writer, total int, what string) *progress {
	p := &progress{w: w, total: total}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// item records one finished item; line is printed unless a bar is shown.
func (p *progress) item(line string) {
	p.n++
	if p.bar != nil {
		p.bar.Add(1)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.n, p.total, line)
}

// problem prints a line even under a bar: failures must stay on screen.
func (p *progress) problem(line string) {
	if p.bar != nil {
		p.bar.Clear()
		fmt.Fprintln(p.w, line)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.n+1, p.total, line)
}

func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// advance records n finished items at once (a batch); line is printed
// unless a bar is shown.
func (p *progress) advance(n int, line string) {
	p.n += n
	if p.bar != nil {
		p.bar.Add(n)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.n, p.total, line)
}
