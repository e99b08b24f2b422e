package conformance

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/sqsharness/sqsharness/harness"
)

// recorder is the testing.TB a behaviour test runs with: failures, skips and logs are collected
// (so a known deviation does not fail the Go test) and cleanups run when the test body ends. Other
// methods (Context, TempDir, …) are the parent test's.
type recorder struct {
	testing.TB
	name string

	mu       sync.Mutex
	failed   bool
	skipped  bool
	errs     []string
	logs     []string
	cleanups []func()
}

func newRecorder(parent testing.TB, id string) *recorder {
	return &recorder{TB: parent, name: parent.Name() + "/" + id}
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Helper()      {}

func (r *recorder) Fail() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.failed = true
	r.errs = append(r.errs, condense(fmt.Sprintf(format, args...)))
	r.mu.Unlock()
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) FailNow() {
	r.Fail()
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) SkipNow() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
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
	r.mu.Lock()
	r.cleanups = append(r.cleanups, f)
	r.mu.Unlock()
}

// runCleanups runs the cleanups, last registered first, each in its own goroutine so that a
// FailNow inside one ends only that one.
func (r *recorder) runCleanups() {
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fs[i]()
		}()
		<-done
	}
}

func (r *recorder) outcome() (failed, skipped bool, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := strings.Join(r.errs, "\n")
	if r.skipped && !r.failed {
		d = strings.Join(r.logs, "\n")
	}
	return r.failed, r.skipped, d
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
