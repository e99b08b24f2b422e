package suite

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/sqsharness/sqsharness/harness"
)

// recorder is the testing.TB a behaviour test runs with, inside its own subtest. It keeps the text
// of every failure for the JSON report. Normally it passes everything on to the subtest's
// *testing.T. On a test its backend is known to fail (deviations.yaml) it absorbs instead:
// failures and skips are only recorded (the body then runs in a goroutine of its own, so that
// FailNow can end it there) and cleanups run when the body ends. Context is the test's context,
// bounded by its Timeout and by the deadline of `go test -timeout`.
type recorder struct {
	*testing.T
	ctx    context.Context
	absorb bool

	mu       sync.Mutex
	failed   bool
	skipped  bool
	errs     []string
	logs     []string
	cleanups []func()
}

func (r *recorder) Context() context.Context { return r.ctx }
func (r *recorder) Helper()                  {}

func (r *recorder) record(msg string) {
	r.mu.Lock()
	r.failed = true
	r.errs = append(r.errs, condense(msg))
	r.mu.Unlock()
}

func (r *recorder) Fail() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	if !r.absorb {
		r.T.Fail()
	}
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.record(msg)
	if !r.absorb {
		r.T.Error(msg)
	}
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) FailNow() {
	r.Fail()
	r.exit()
}

func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	r.exit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.exit()
}

// exit ends the body: through the subtest's FailNow (which also marks it failed, as it should
// be by now), or, when absorbing, by ending the body's own goroutine.
func (r *recorder) exit() {
	if r.absorb {
		runtime.Goexit()
	}
	r.T.FailNow()
}

func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }

func (r *recorder) Logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.logs = append(r.logs, msg)
	r.mu.Unlock()
	if !r.absorb {
		r.T.Log(msg)
	}
}

func (r *recorder) SkipNow() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	if r.absorb {
		runtime.Goexit()
	}
	r.T.SkipNow()
}

func (r *recorder) Skip(args ...any) {
	r.Log(args...)
	r.SkipNow()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.Logf(format, args...)
	r.SkipNow()
}

func (r *recorder) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}

func (r *recorder) Cleanup(f func()) {
	if !r.absorb {
		r.T.Cleanup(f)
		return
	}
	r.mu.Lock()
	r.cleanups = append(r.cleanups, f)
	r.mu.Unlock()
}

// runAbsorbed runs body in a goroutine of its own, then the cleanups it registered, last first,
// each in its own goroutine so that a FailNow inside one ends only that one. A panic is a failure.
func (r *recorder) runAbsorbed(body func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.recoverPanic()
		body()
	}()
	<-done
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer r.recoverPanic()
			fs[i]()
		}()
		<-done
	}
}

// recoverPanic turns a panic of the body into a failure of its test, so that one broken behaviour
// test does not end the whole run (and every other test's cleanups with it).
func (r *recorder) recoverPanic() {
	if p := recover(); p != nil {
		buf := make([]byte, 8<<10)
		buf = buf[:runtime.Stack(buf, false)]
		r.record(fmt.Sprintf("panic: %v", p))
		if !r.absorb {
			r.T.Errorf("panic: %v\n%s", p, buf)
		}
	}
}

// detail is what the report says of a failed or skipped test.
func (r *recorder) detail() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.skipped && !r.failed {
		return strings.Join(r.logs, "\n")
	}
	return strings.Join(r.errs, "\n")
}

// condense turns testify's multi-line report into its substance: the error and the message,
// without the trace and the test name.
func condense(s string) string {
	if !strings.Contains(s, "Error Trace:") {
		return strings.TrimSpace(s)
	}
	var out []string
	section := ""
	for _, line := range strings.Split(s, "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "Error Trace:"):
			section = "trace"
			continue
		case strings.HasPrefix(trim, "Error:"):
			section = "error"
			trim = strings.TrimSpace(strings.TrimPrefix(trim, "Error:"))
		case strings.HasPrefix(trim, "Test:"):
			section = "test"
			continue
		case strings.HasPrefix(trim, "Messages:"):
			section = "messages"
			trim = "— " + strings.TrimSpace(strings.TrimPrefix(trim, "Messages:"))
		}
		if section == "trace" || section == "test" || trim == "" {
			continue
		}
		out = append(out, trim)
	}
	return strings.Join(out, " ")
}

// C is what a behaviour test gets: the harness handle (its helpers: queues, send, receive,
// Advance, …) and the testify TestingT the assertions report to.
type C struct {
	*harness.H
	t *recorder
}

// Errorf records a failure (testify's TestingT).
func (c *C) Errorf(format string, args ...any) { c.t.Errorf(format, args...) }

// FailNow ends the test (testify's require).
func (c *C) FailNow() { c.t.FailNow() }

// Helper is a no-op (testify calls it).
func (c *C) Helper() {}

// Fatalf records a failure and ends the test.
func (c *C) Fatalf(format string, args ...any) { c.t.Fatalf(format, args...) }

// Logf records a log line.
func (c *C) Logf(format string, args ...any) { c.t.Logf(format, args...) }
