// Package conformance is one suite of Amazon SQS behaviour tests that runs unchanged on every
// backend the harness knows: the mock in process and over HTTP, LocalStack, moto, ElasticMQ and
// real AWS. Each test has a stable ID (e.g. SQS-VIS-003), a title and the AWS documentation section
// whose behaviour it checks; what it asserts comes from that documentation and from answers
// recorded against AWS. A backend's capabilities (can its clock be fast-forwarded?) change how a
// test waits, never what it asserts.
//
// Known deviations of third-party backends are listed in deviations.yaml: a listed test that fails
// on that backend is reported as a known deviation instead of a failure. The mock has none.
//
//	func TestConformance(t *testing.T) { conformance.Run(t, harness.Mock) }
package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
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

var (
	regMu    sync.Mutex
	registry []Test
)

func register(tests ...Test) {
	regMu.Lock()
	defer regMu.Unlock()
	registry = append(registry, tests...)
}

// Tests returns every behaviour test, in ID order.
func Tests() []Test {
	regMu.Lock()
	defer regMu.Unlock()
	out := slices.Clone(registry)
	slices.SortFunc(out, func(a, b Test) int { return strings.Compare(a.ID, b.ID) })
	return out
}

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

// Option configures Run.
type Option func(*runConfig)

type runConfig struct {
	harness    []harness.Option
	resultsDir string
	filter     *regexp.Regexp
	parallel   int
	devs       *Deviations
}

// WithHarnessOptions passes options to harness.New for every test (e.g. an endpoint).
func WithHarnessOptions(opts ...harness.Option) Option {
	return func(c *runConfig) { c.harness = append(c.harness, opts...) }
}

// WithResultsDir writes the report to dir/<backend>.json (default: $SQSHARNESS_RESULTS_DIR; none
// when empty).
func WithResultsDir(dir string) Option { return func(c *runConfig) { c.resultsDir = dir } }

// WithFilter runs only the tests whose ID matches re (default: $SQSHARNESS_CONFORMANCE_RUN).
func WithFilter(re *regexp.Regexp) Option { return func(c *runConfig) { c.filter = re } }

// WithParallel runs up to n tests at once (default: $SQSHARNESS_CONFORMANCE_PARALLEL, else 4×CPUs
// on the mock and 24 elsewhere: real backends spend most of a test waiting).
func WithParallel(n int) Option { return func(c *runConfig) { c.parallel = n } }

// WithDeviations replaces the embedded deviations.yaml.
func WithDeviations(d *Deviations) Option { return func(c *runConfig) { c.devs = d } }

// Run runs every behaviour test on backend, one subtest per test ID, and returns the report. A
// backend that cannot be reached skips t with instructions (fails it under CI=true), as harness.New
// does. Tests run concurrently (each makes its own queues); their outcomes are then reported in ID
// order as subtests: a failure fails its subtest, a known deviation is logged.
func Run(t *testing.T, backend harness.Backend, opts ...Option) *Report {
	t.Helper()
	cfg := runConfig{resultsDir: os.Getenv("SQSHARNESS_RESULTS_DIR")}
	if v := os.Getenv("SQSHARNESS_CONFORMANCE_RUN"); v != "" {
		cfg.filter = regexp.MustCompile(v)
	}
	if v, err := strconv.Atoi(os.Getenv("SQSHARNESS_CONFORMANCE_PARALLEL")); err == nil {
		cfg.parallel = v
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.devs == nil {
		d, err := LoadDeviations()
		if err != nil {
			t.Fatalf("conformance: %v", err)
		}
		cfg.devs = d
	}
	hopts := append([]harness.Option{harness.WithBackend(backend)}, cfg.harness...)
	probe := harness.New(t, hopts...) // skips or fails t when the backend is unavailable
	if cfg.parallel <= 0 {
		cfg.parallel = 24
		if probe.Caps().FastForward {
			cfg.parallel = 4 * runtime.GOMAXPROCS(0)
		}
	}
	var tests []Test
	for _, x := range Tests() {
		if cfg.filter == nil || cfg.filter.MatchString(x.ID) {
			tests = append(tests, x)
		}
	}
	rep := &Report{Backend: string(backend), Endpoint: probe.Endpoint(), Started: time.Now().UTC()}
	rep.Results = make([]Result, len(tests))
	sem := make(chan struct{}, cfg.parallel)
	var wg sync.WaitGroup
	for i, x := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep.Results[i] = runOne(t, x, backend, hopts, cfg.devs)
		}()
	}
	wg.Wait()
	rep.Seconds = time.Since(rep.Started).Seconds()
	for _, r := range rep.Results {
		t.Run(r.ID, func(t *testing.T) {
			switch r.Status {
			case Fail:
				t.Errorf("%s — %s\n%s\n(%s)", r.ID, r.Title, r.Detail, r.Doc)
			case KnownDeviation:
				t.Logf("known deviation of %s: %s\nobserved: %s", backend, r.Known, r.Detail)
			case Skip:
				t.Skip(r.Detail)
			default:
				if r.Unlisted {
					t.Logf("passes, but deviations.yaml lists it for %s: remove the entry", backend)
				}
			}
		})
	}
	c := rep.Counts()
	t.Logf("conformance on %s: %d tests, %d pass, %d known deviations, %d fail, %d skipped, %.1fs",
		backend, len(rep.Results), c[Pass], c[KnownDeviation], c[Fail], c[Skip], rep.Seconds)
	if cfg.resultsDir != "" {
		if err := rep.Write(cfg.resultsDir); err != nil {
			t.Errorf("conformance: writing results: %v", err)
		}
	}
	return rep
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

func runOne(parent *testing.T, x Test, backend harness.Backend, hopts []harness.Option, devs *Deviations) Result {
	res := Result{ID: x.ID, Title: x.Title, Doc: x.Doc}
	rec := newRecorder(parent, x.ID)
	timeout := x.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.Errorf("panic: %v", p)
			}
		}()
		h := harness.New(rec, hopts...)
		x.Run(&C{H: h, t: rec})
	}()
	timedOut := false
	select {
	case <-done:
	case <-time.After(timeout):
		timedOut = true
		rec.Errorf("timed out after %s", timeout)
	}
	if !timedOut {
		rec.runCleanups()
	}
	res.Seconds = time.Since(start).Round(time.Millisecond).Seconds()
	failed, skipped, detail := rec.outcome()
	res.Detail = detail
	dev, listed := devs.Lookup(string(backend), x.ID)
	switch {
	case skipped && !failed:
		res.Status = Skip
	case failed && listed:
		res.Status, res.Known = KnownDeviation, dev.Instead
	case failed:
		res.Status = Fail
	default:
		res.Status = Pass
		res.Unlisted = listed
		res.Detail = ""
	}
	return res
}
