package harness

import (
	"sync/atomic"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// waiter bounds a wait for a condition to timeout. On the mock's manual clock the waiter moves the
// clock itself, a second at a time, and only that clock time counts; elsewhere (a real backend,
// or a synctest bubble's fake time) time passes on its own and the timeout is measured by it.
// A waiter is safe for concurrent use.
type waiter struct {
	clock   *sqsmock.ManualClock // nil: time passes on its own
	timeout time.Duration
	start   time.Time
	waited  atomic.Int64 // the manual clock's advances, in nanoseconds
}

// newWaiter starts a wait of at most timeout (0 or less: the handle's default).
func (h *H) newWaiter(timeout time.Duration) *waiter {
	if timeout <= 0 {
		timeout = h.wait
	}
	return &waiter{clock: h.clock, timeout: timeout, start: time.Now()}
}

// over reports whether the timeout has passed.
func (w *waiter) over() bool {
	if w.clock != nil {
		return time.Duration(w.waited.Load()) >= w.timeout
	}
	return time.Since(w.start) >= w.timeout
}

// advance moves the manual clock a second, which counts against the timeout.
func (w *waiter) advance() {
	w.clock.Advance(time.Second)
	w.waited.Add(int64(time.Second))
}

// next lets time move before the condition is checked again, and reports false instead once the
// timeout has passed. On the manual clock it advances the clock a second; elsewhere it sleeps
// pause (0: the caller's own call, a long poll, takes the time).
func (w *waiter) next(pause time.Duration) bool {
	switch {
	case w.over():
		return false
	case w.clock != nil:
		w.advance()
	case pause > 0:
		time.Sleep(pause)
	}
	return true
}
