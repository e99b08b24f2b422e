package sqsmock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the mock's only source of time. Which to use:
//
//   - Concurrent code (several workers, heartbeats, pollers, retries with backoff): the default
//     RealClock inside a testing/synctest bubble. The bubble's fake time moves as soon as every
//     goroutine of the test is blocked, and synctest.Wait tells when they are, so long polls,
//     visibility timeouts, delays and the code's own timers and sleeps all jump, in order,
//     without a real sleep and without a guess about how many goroutines are waiting.
//   - Single-goroutine, step-by-step tests, and non-Go clients of the HTTP server: a ManualClock,
//     moved by Advance. Nothing else moves it, so it cannot know when concurrent code has caught
//     up; BlockUntil waits, with a deadline, for a number of pending timers when a test must hand
//     time to another goroutine.
//   - A clock of your own (e.g. a fake clock your code already uses): ClockOf adapts it.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once, d after Now.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer made by a Clock.
type Timer interface {
	// C delivers the time once the timer fires.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it stopped a pending timer.
	Stop() bool
}

// RealClock is the wall clock (time.Now and time.NewTimer).
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }

// ClockOf adapts a clock given as two functions, e.g. a fake clock your code already uses:
//
//	sqsmock.WithClock(sqsmock.ClockOf(fake.Now, fake.After))
//
// Timers made from after cannot be stopped; a stopped one simply goes unread.
func ClockOf(now func() time.Time, after func(time.Duration) <-chan time.Time) Clock {
	return funcClock{now: now, after: after}
}

type funcClock struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

func (c funcClock) Now() time.Time                 { return c.now() }
func (c funcClock) NewTimer(d time.Duration) Timer { return funcTimer{c.after(d)} }

type funcTimer struct{ c <-chan time.Time }

func (t funcTimer) C() <-chan time.Time { return t.c }
func (t funcTimer) Stop() bool          { return false }

// ManualClock is a clock that moves only when told to. Timers fire, in deadline order, when
// Advance or Set passes their deadline. It is safe for concurrent use.
//
// Besides Clock it has Since, After and Sleep, so it also satisfies the small clock interfaces
// code commonly defines for itself (Now, After, Sleep).
//
// A ManualClock is for tests that move time from one goroutine between calls. For concurrent
// code prefer testing/synctest with the default RealClock: a manual clock cannot tell whether
// the other goroutines have caught up before it moves (a pending timer may belong to a goroutine
// that is still running), which is what makes such tests flaky.
type ManualClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers []*manualTimer
}

// NewManualClock returns a manual clock reading start.
func NewManualClock(start time.Time) *ManualClock {
	c := &ManualClock{now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and fires every timer that is then due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.fireLocked()
	c.mu.Unlock()
}

// Set moves the clock to t (never backwards) and fires every timer that is then due.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.fireLocked()
	c.mu.Unlock()
}

// Timers reports how many timers are waiting, e.g. long polls blocked in ReceiveMessage.
func (c *ManualClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Since returns the time elapsed since t on the clock.
func (c *ManualClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// After returns a channel that receives the clock's time once it reaches Now()+d.
func (c *ManualClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// Sleep blocks until another goroutine advances the clock by d.
func (c *ManualClock) Sleep(d time.Duration) { <-c.After(d) }

// BlockUntil blocks until at least n timers are pending (long polls blocked in ReceiveMessage,
// fault latencies, After and Sleep calls) or ctx ends, and returns ctx's error in that case. A
// test calls it after starting a long poll in another goroutine and before Advance, so the poll's
// deadline is set before time moves.
//
// It counts timers, not goroutines: a goroutine that has made a timer and is still running counts
// as pending. Code with several goroutines is better tested with testing/synctest (see Clock).
func (c *ManualClock) BlockUntil(ctx context.Context, n int) error {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.timers) < n {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.cond.Wait()
	}
	return nil
}

// manualClock is a ManualClock, or a clock that embeds one (the harness's, which watches the
// timers of calls waiting on it): a clock that moves only when the test moves it.
type manualClock interface{ manual() }

func (*ManualClock) manual() {}

// NewTimer returns a timer that fires when the clock reaches Now()+d.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.cond.Broadcast()
	return t
}

func (c *ManualClock) fireLocked() {
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
			continue
		}
		kept = append(kept, t)
	}
	clear(c.timers[len(kept):])
	c.timers = kept
}

type manualTimer struct {
	c  *ManualClock
	at time.Time
	ch chan time.Time
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}
