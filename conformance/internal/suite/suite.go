// Package suite is the conformance suite's machinery: the behaviour tests (one file per area),
// the test context C, the runner that absorbs listed deviations, the deviations file, evidence
// levels, and the results and reports that conformance/cmd/report renders. Package conformance
// is its public door.
package suite

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/harness"
)

// Test is one behaviour test.
type Test struct {
	ID    string // stable: SQS-<AREA>-<NNN>
	Title string // the behaviour, as a sentence
	Doc   string // the AWS documentation section it checks
	// Timeout bounds the test on a real backend (default 60s).
	Timeout time.Duration
	Run     func(c *C)
}

// Area is the middle part of the ID, e.g. "VIS".
func (t Test) Area() string {
	parts := strings.Split(t.ID, "-")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// tests is every behaviour test, in ID order: one list per area file.
var tests = byID(slices.Concat(
	queueTests(), attributeTests(), sendTests(), receiveTests(), visibilityTests(), fifoTests(),
	batchTests(), redriveTests(), moveTaskTests(), managementTests(), inputTests(), fidelityTests(),
	namespaceTests(), wireTests(), snsTests(),
))

func byID(list []Test) []Test {
	slices.SortFunc(list, func(a, b Test) int { return strings.Compare(a.ID, b.ID) })
	return list
}

// Tests returns every behaviour test, in ID order.
func Tests() []Test { return slices.Clone(tests) }

// Status is the outcome of one test on one backend.
type Status string

// The statuses.
const (
	Pass           Status = "pass"
	Fail           Status = "fail"
	KnownDeviation Status = "deviation" // failed, and listed for this backend in deviations.yaml
	Skip           Status = "skip"
)

// Result is one test's outcome on one backend.
type Result struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Doc      string  `json:"doc"`
	Status   Status  `json:"status"`
	Detail   string  `json:"detail,omitempty"`
	Known    string  `json:"known,omitempty"` // the deviations.yaml entry's "instead", when listed
	Seconds  float64 `json:"seconds"`
	Unlisted bool    `json:"stale_deviation,omitempty"` // listed as a deviation but passed
}

// Report is one backend's run, the JSON written to <dir>/<backend>.json.
type Report struct {
	Backend  string    `json:"backend"`
	Endpoint string    `json:"endpoint,omitempty"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Results  []Result  `json:"results"`
}

// Counts returns how many results have each status.
func (r *Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, x := range r.Results {
		out[x.Status]++
	}
	return out
}

// Config is what Run needs besides the backend.
type Config struct {
	Harness    []func(*harness.Options) // passed to harness.New for every test
	ResultsDir string                   // where <backend>.json is written; none when empty
	Deviations *Deviations              // default: the embedded deviations.yaml
}

// cleanupGrace is what a test keeps of the `go test -timeout` deadline for its cleanups: its
// context ends that long before the deadline, so its calls fail, it ends, and its cleanups delete
// its queues before the test binary is stopped.
const cleanupGrace = 20 * time.Second

// Run runs every behaviour test on backend, each as a parallel subtest of t named by its ID
// (t.Run(id) with t.Parallel()), so `go test -run 'TestConformance/mock/SQS-VIS-003'` runs one
// behaviour, and -failfast, -parallel, -shuffle and -timeout work as for any test. Real backends
// spend most of a test waiting: give them `-parallel 24` or so.
//
// A test listed in deviations.yaml for the backend runs with its failures absorbed: it passes as a
// known deviation when it fails, and fails when it passes (the entry is stale), unless the entry
// is marked intermittent (a race of the backend's own, seen only in some runs): then it is
// reported as a known deviation either way. Each test has a
// context (C.Ctx) that ends at its Timeout, or early enough before the `go test -timeout` deadline
// for its cleanups to delete its queues.
//
// A backend that cannot be reached skips t with instructions (fails it under CI=true), as
// harness.New does. When every subtest has ended, the report is logged and written to the results
// directory (Config.ResultsDir).
func Run(t *testing.T, backend harness.Backend, cfg Config) {
	t.Helper()
	if cfg.Deviations == nil {
		d, err := LoadDeviations()
		if err != nil {
			t.Fatalf("conformance: %v", err)
		}
		cfg.Deviations = d
	}
	hopts := append([]func(*harness.Options){func(o *harness.Options) { o.Backend = backend }}, cfg.Harness...)
	probe := harness.New(t, hopts...) // skips or fails t when the backend is unavailable
	runTests(t, backend, probe.Endpoint(), tests, hopts, &cfg)
}

func runTests(t *testing.T, backend harness.Backend, endpoint string, list []Test, hopts []func(*harness.Options), cfg *Config) {
	rep := &Report{Backend: string(backend), Endpoint: endpoint, Started: time.Now().UTC()}
	var mu sync.Mutex
	add := func(r Result) {
		mu.Lock()
		rep.Results = append(rep.Results, r)
		mu.Unlock()
	}
	// The parent's cleanups run once its parallel subtests have all ended.
	t.Cleanup(func() {
		rep.Seconds = time.Since(rep.Started).Seconds()
		slices.SortFunc(rep.Results, func(a, b Result) int { return strings.Compare(a.ID, b.ID) })
		c := rep.Counts()
		t.Logf("conformance on %s: %d tests, %d pass, %d known deviations, %d fail, %d skipped, %.1fs",
			backend, len(rep.Results), c[Pass], c[KnownDeviation], c[Fail], c[Skip], rep.Seconds)
		if cfg.ResultsDir != "" && len(rep.Results) > 0 {
			if err := rep.Write(cfg.ResultsDir); err != nil {
				t.Errorf("conformance: writing results: %v", err)
			}
		}
	})
	for _, x := range list {
		t.Run(x.ID, func(t *testing.T) {
			t.Parallel()
			runOne(t, x, backend, hopts, cfg.Deviations, add)
		})
	}
}

// Write stores the report as dir/<backend>.json.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, r.Backend+".json"), append(b, '\n'), 0o644)
}

// runOne runs one behaviour test in its subtest t and hands its result to add once the test and
// all its cleanups have ended.
func runOne(t *testing.T, x Test, backend harness.Backend, hopts []func(*harness.Options), devs *Deviations, add func(Result)) {
	dev, listed := devs.Lookup(string(backend), x.ID)
	timeout := x.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithDeadline(t.Context(), testDeadline(t, timeout))
	rec := &recorder{T: t, ctx: ctx, absorb: listed}
	start := time.Now()
	// Registered first, so it runs last: after the cleanups of the harness deleted the queues.
	t.Cleanup(func() {
		res := Result{ID: x.ID, Title: x.Title, Doc: x.Doc, Detail: rec.detail(),
			Seconds: time.Since(start).Round(time.Millisecond).Seconds()}
		switch failed, skipped := rec.Failed() || (!listed && t.Failed()), rec.Skipped(); {
		case skipped && !failed:
			res.Status = Skip
		case failed && listed:
			res.Status, res.Known = KnownDeviation, dev.Instead
		case failed:
			res.Status = Fail
		case listed && dev.Intermittent: // the matrix keeps showing it, whether this run saw it or not
			res.Status, res.Known = KnownDeviation, dev.Instead
			res.Detail = "intermittent: not seen in this run"
		case listed:
			res.Status, res.Unlisted = Fail, true
			res.Detail = "passes, but deviations.yaml lists it for " + string(backend)
		default:
			res.Status, res.Detail = Pass, ""
		}
		add(res)
	})
	body := func() {
		defer cancel()
		defer func() {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				rec.Errorf("%s ran out of time: its context ended after %s (its Timeout, or %s before the go test -timeout deadline)",
					x.ID, time.Since(start).Round(time.Millisecond), cleanupGrace)
			}
		}()
		x.Run(&C{H: harness.New(rec, hopts...), t: rec})
	}
	if !listed {
		defer rec.recoverPanic()
		body()
		return
	}
	rec.runAbsorbed(body)
	switch {
	case rec.Failed():
		t.Logf("known deviation of %s: %s\nobserved: %s", backend, dev.Instead, rec.detail())
	case rec.Skipped():
		t.Skip(rec.detail())
	case dev.Intermittent:
		t.Logf("intermittent deviation of %s not seen in this run: %s", backend, dev.Instead)
	default:
		t.Errorf("%s passes on %s, but deviations.yaml lists it as a known deviation (%q): remove the entry",
			x.ID, backend, dev.Instead)
	}
}

// testDeadline is when a test's context ends: after timeout, and at the latest cleanupGrace before
// the deadline of `go test -timeout`.
func testDeadline(t *testing.T, timeout time.Duration) time.Time {
	d := time.Now().Add(timeout)
	if end, ok := t.Deadline(); ok && end.Add(-cleanupGrace).Before(d) {
		d = end.Add(-cleanupGrace)
	}
	return d
}
