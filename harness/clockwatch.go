package harness

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// defaultStallAfter is how long, in real time, a call may wait on the mock's manual clock while
// nothing moves the clock before the test fails: far longer than a step of a test that drives the
// clock takes, far shorter than go test's -timeout.
const defaultStallAfter = 5 * time.Second

// After the test has failed, the watch moves the clock itself whenever a call has waited
// rescueAfter on it, looking every rescueTick.
const (
	rescueAfter = 20 * time.Millisecond
	rescueTick  = 5 * time.Millisecond
)

// clockWatch keeps a test on the mock's manual clock from hanging on it.
//
// Outside a testing/synctest bubble the mock runs on a ManualClock, which moves only when the test
// moves it. A long poll, or a fault plan's latency, waits until then: a test that waits for such
// a call instead (a consumer long-polling h.Client() on harness.New) would hang until go test's
// -timeout stops the binary, ten minutes later, without a word on why. The watch sees every timer
// the mock's calls make on the clock (see watchedClock). When one has waited stallAfter of real
// time with the clock not moving, it fails the test with an explanation, and from then on moves
// the clock itself whenever a call waits on it, so that the test ends. Tests that drive the clock
// (h.Advance, the waits of ReceiveN, WaitForCount and CheckConsumer) move it long
// before that.
type clockWatch struct {
	t          testing.TB
	clock      *sqsmock.ManualClock
	stallAfter time.Duration

	mu      sync.Mutex
	waits   map[*clockWait]struct{} // timers of calls not yet stopped nor seen to fire
	running bool                    // the loop runs: it does only while there are waits
	closed  bool                    // the test is ending: nothing more is reported
	tripped bool                    // the test failed: the watch moves the clock itself
	stop    chan struct{}
	late    *time.Timer
	wg      sync.WaitGroup
}

// clockWait is a timer a call waits on.
type clockWait struct {
	what  string        // e.g. "a ReceiveMessage long poll"
	d     time.Duration // its wait on the clock
	at    time.Time     // when it fires, on the clock
	since time.Time     // when it was made, in real time
}

// watchClock watches clock for t until t ends.
func watchClock(t testing.TB, clock *sqsmock.ManualClock, stallAfter time.Duration) *clockWatch {
	if stallAfter <= 0 {
		stallAfter = defaultStallAfter
	}
	w := &clockWatch{t: t, clock: clock, stallAfter: stallAfter, waits: map[*clockWait]struct{}{}, stop: make(chan struct{})}
	t.Cleanup(w.close)
	return w
}

// watchedClock is the mock's clock on the harness's manual clock: the ManualClock itself, with
// the timers of the mock's calls reported to the watch. Embedding the ManualClock keeps it one to
// the mock (the in-process client takes no retry backoff on it) and keeps Advance, Set and the rest.
type watchedClock struct {
	*sqsmock.ManualClock
	w *clockWatch
}

// NewTimer makes the timer on the manual clock, and watches it when a call of the mock makes it.
// The wait is noted before the timer is made, so that whoever sees the timer (BlockUntil) sees
// the wait too.
func (c watchedClock) NewTimer(d time.Duration) sqsmock.Timer {
	var cw *clockWait
	if d > 0 {
		if what := waitingCall(); what != "" {
			cw = c.w.add(what, d, c.Now().Add(d))
		}
	}
	t := c.ManualClock.NewTimer(d)
	if cw == nil {
		return t
	}
	return watchedTimer{Timer: t, w: c.w, cw: cw}
}

type watchedTimer struct {
	sqsmock.Timer
	w  *clockWatch
	cw *clockWait
}

func (t watchedTimer) Stop() bool {
	t.w.remove(t.cw)
	return t.Timer.Stop()
}

// sqsmockPath is the import path of package sqsmock, whose functions waitingCall looks for.
var sqsmockPath = reflect.TypeFor[sqsmock.Mock]().PkgPath()

// waitingCall describes, from the stack, the call of the mock that makes a timer: "a
// ReceiveMessage long poll", "a SendMessage call delayed by the fault plan". A timer made outside
// any call (a move task's) is no call's wait: "".
func waitingCall() string {
	var pcs [64]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	var op, kind string
	for {
		f, more := frames.Next()
		switch fn := f.Function; {
		case fn == sqsmockPath+"/internal/engine.(*Engine).ReceiveMessage":
			kind = "long poll"
		case fn == sqsmockPath+".sleep":
			kind = "faults"
		case strings.HasPrefix(fn, sqsmockPath+".(*client)."):
			op = fn[strings.LastIndex(fn, ".")+1:] // the outermost one is the API's method
		}
		if !more {
			break
		}
	}
	switch {
	case op == "":
		return ""
	case kind == "long poll":
		return "a " + op + " long poll"
	case kind == "faults":
		return "a " + op + " call delayed by the fault plan"
	}
	return "a " + op + " call"
}

func (w *clockWatch) add(what string, d time.Duration, at time.Time) *clockWait {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	cw := &clockWait{what: what, d: d, at: at, since: time.Now()}
	w.waits[cw] = struct{}{}
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.loop()
	}
	return cw
}

func (w *clockWatch) remove(cw *clockWait) {
	w.mu.Lock()
	delete(w.waits, cw)
	w.mu.Unlock()
}

// close ends the watch; the test is ending. It returns once the loop has stopped, so that nothing
// is reported after the test.
func (w *clockWatch) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
		if w.late != nil {
			w.late.Stop()
		}
	}
	w.mu.Unlock()
	w.wg.Wait()
}

// loop looks at the waits while there are any: it fails the test when one has waited stallAfter
// with the clock not moving, and after that moves the clock to the first wait's end whenever one
// has waited rescueAfter.
func (w *clockWatch) loop() {
	defer w.wg.Done()
	last, moved := w.clock.Now(), time.Now()
	tick := time.NewTimer(w.stallAfter / 20)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		now := w.clock.Now()
		if !now.Equal(last) {
			last, moved = now, time.Now()
		}
		w.mu.Lock()
		var oldest, first *clockWait
		for cw := range w.waits {
			if !now.Before(cw.at) { // fired
				delete(w.waits, cw)
				continue
			}
			if oldest == nil || cw.since.Before(oldest.since) {
				oldest = cw
			}
			if first == nil || cw.at.Before(first.at) {
				first = cw
			}
		}
		if oldest == nil || w.closed {
			w.running = false
			w.mu.Unlock()
			return
		}
		tripped, others := w.tripped, len(w.waits)-1
		w.mu.Unlock()
		stalled := time.Since(later(oldest.since, moved))
		switch {
		case tripped && stalled >= rescueAfter:
			w.clock.Set(first.at)
		case !tripped && stalled >= w.stallAfter:
			w.trip(oldest, others)
			tripped = true
		}
		next := w.stallAfter / 20
		if tripped {
			next = rescueTick
		}
		tick.Reset(next)
	}
}

// trip fails the test with what waits and what to do.
func (w *clockWatch) trip(cw *clockWait, others int) {
	also := ""
	switch others {
	case 0:
	case 1:
		also = " (1 other call waits on it too)"
	default:
		also = fmt.Sprintf(" (%d other calls wait on it too)", others)
	}
	msg := fmt.Sprintf("harness: %s has waited %s of real time for the mock's manual clock to move %s, and nothing moved it%s: "+
		"on harness.New, outside a testing/synctest bubble, the mock's clock moves only with h.Advance (and in the waits of "+
		"ReceiveN, WaitForCount and CheckConsumer), so a test waiting for this call would hang until go test's -timeout. "+
		"Run the test body in harness.Test, where the mock uses the bubble's fake time, which moves by itself once every goroutine is blocked; "+
		"or move the clock with h.Advance (after h.WaitForPollers, for a long poll in another goroutine). "+
		"The harness now moves the clock whenever a call waits on it, so that the test ends",
		cw.what, w.stallAfter, cw.d, also)
	w.mu.Lock()
	if w.closed || w.tripped {
		w.mu.Unlock()
		return
	}
	w.tripped = true
	// If the test still runs a while later, it hangs on something else: go test's -timeout panic
	// would not print the test's errors, so the explanation goes to stderr too.
	name, late := w.t.Name(), 2*w.stallAfter
	w.late = time.AfterFunc(late, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.closed {
			fmt.Fprintf(os.Stderr, "--- %s still runs %s after failing with: %s\n", name, late, msg)
		}
	})
	w.mu.Unlock()
	w.t.Errorf("%s", msg)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
