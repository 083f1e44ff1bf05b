package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/unet-dev/unet/service"
)

// stderrTerminal reports whether stderr is a terminal.
func (a *app) stderrTerminal() bool {
	f, ok := a.env.Stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLine draws an evaluation's progress on one terminal line, at most
// every interval, and erases it at the end.
type progressLine struct {
	w        io.Writer
	now      func() time.Time
	interval time.Duration
	mu       sync.Mutex
	last     time.Time
	drawn    bool
}

func newProgressLine(w io.Writer) *progressLine {
	return &progressLine{w: w, now: time.Now, interval: 100 * time.Millisecond}
}

// update draws p unless the line was drawn less than interval ago (a
// phase's last step is always drawn).
func (l *progressLine) update(p service.EvalProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.drawn && now.Sub(l.last) < l.interval && p.Done != p.Total {
		return
	}
	l.last, l.drawn = now, true
	var text string
	switch p.Phase {
	case "evaluate":
		text = fmt.Sprintf("evaluating: %d/%d objects (%d%%)", p.Done, p.Total, percent(p.Done, p.Total))
	case "store":
		if p.Done < p.Total {
			text = fmt.Sprintf("storing %d changed results", p.Total)
		} else {
			text = fmt.Sprintf("stored %d changed results", p.Total)
		}
	default:
		text = fmt.Sprintf("%s: %d/%d", p.Phase, p.Done, p.Total)
	}
	// A terminal that cannot be written to loses only the progress line.
	_, _ = fmt.Fprintf(l.w, "\r\x1b[K%s", text)
}

// finish erases the line.
func (l *progressLine) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		_, _ = fmt.Fprint(l.w, "\r\x1b[K") // as in update
	}
}

func percent(done, total int) int {
	if total <= 0 {
		return 100
	}
	return done * 100 / total
}
