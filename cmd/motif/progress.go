package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"motif/internal/pipeline"
)

// progress draws one bar on stderr for the phase under way. It draws only
// when stderr is a terminal and --quiet is off; otherwise it stays silent
// (logs carry what scripts need).
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	on      bool
	phase   string
	start   time.Time
	last    time.Time
	drawn   bool
	lastLen int
}

func newProgress(w io.Writer, enabled bool) *progress {
	on := false
	if f, ok := w.(*os.File); ok && enabled {
		on = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: w, on: on}
}

// report is a pipeline.Progress.
func (p *progress) report(phase string, done, total int) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if phase != p.phase {
		if p.drawn {
			p.draw(p.phase, -1, 0, now) // leave the finished phase on its line
			fmt.Fprintln(p.w)
		}
		p.phase, p.start, p.drawn = phase, now, false
	} else if now.Sub(p.last) < 100*time.Millisecond && (total == 0 || done < total) {
		return
	}
	p.last = now
	p.draw(phase, done, total, now)
	p.drawn = true
}

func (p *progress) draw(phase string, done, total int, now time.Time) {
	el := now.Sub(p.start).Truncate(100 * time.Millisecond)
	var line string
	switch {
	case done < 0:
		line = fmt.Sprintf("%-10s done in %v", phase, el)
	case total > 0:
		const width = 30
		frac := float64(done) / float64(total)
		frac = min(max(frac, 0), 1)
		n := int(frac * width)
		line = fmt.Sprintf("%-10s [%s%s] %3.0f%% %d/%d %v", phase, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, done, total, el)
	default:
		line = fmt.Sprintf("%-10s %v", phase, el)
	}
	pad := max(p.lastLen-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.lastLen = len(line)
}

// finish ends the current bar's line.
func (p *progress) finish() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.draw(p.phase, -1, 0, time.Now())
		fmt.Fprintln(p.w)
		p.drawn, p.phase = false, ""
	}
}

// fn returns the callback stages take.
func (p *progress) fn() pipeline.Progress { return p.report }
