package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/bubble"
	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// The environment of Explore.
const (
	// envExploreRuns overrides the number of runs of every Explore search (Options.Runs), e.g. for a
	// long nightly search.
	envExploreRuns = "SQSHARNESS_EXPLORE_RUNS"
	// envExploreSeed overrides the base seed (Options.Seed); "random" draws a new one, which the
	// test logs.
	envExploreSeed = "SQSHARNESS_EXPLORE_SEED"
	// envExplorePlan replays one plan file, and only it, in the test's own process: the body
	// runs once, as harness.Test runs it, under that plan, so a debugger, prints and -count work
	// as usual.
	envExplorePlan = "SQSHARNESS_EXPLORE_PLAN"
)

// exploreConfig is what the Explore options set.
type exploreConfig struct {
	runs     int
	seed     uint64
	seedSet  bool
	corpus   string
	kinds    []faultplan.Kind
	runLimit time.Duration // real time one run may take before it is stopped as hung
}

// Explore runs body many times, each on a fresh mock in its own synctest bubble under a fault
// plan drawn from the space of SQS's and the network's faults: the saved corpus first, then no
// faults, each family alone, and mixed plans up to Options.Runs. The first failing plan is shrunk,
// saved and reported with the command that replays it. On real backends it replays the saved
// plans through the SDK middleware. How it works: README, "Let the harness find the bug".
func Explore(t *testing.T, body func(t *testing.T, h *H), optFns ...func(*Options)) {
	t.Helper()
	if bubble.Inside() {
		t.Fatalf("harness: Explore runs each run in a synctest bubble of its own: call it from the test function, not inside harness.Test or synctest.Test")
	}
	key := exploreKey(t)
	if serving := os.Getenv(envExploreWorker); serving != "" {
		if serving == key {
			serveRuns(t, body, optFns)
			t.SkipNow()
		}
		return
	}
	cfg := newConfig(optFns)
	if cfg.plan != nil {
		t.Fatalf("harness: Explore makes the fault plan of every run; do not give one in Options.Faults")
	}
	ec := resolveExplore(t, cfg.explore)
	cfg.resolveBackend()
	switch cfg.backend {
	case backendMock, backendServer:
	default:
		exploreRemote(t, body, optFns, ec)
		return
	}
	if file := os.Getenv(envExplorePlan); file != "" {
		replayPlan(t, file, body, optFns)
		return
	}
	e := &explorer{t: t, cfg: ec, key: key, space: newSpace(ec.kinds), started: time.Now(),
		injected: map[faultplan.Kind]int{}}
	e.ctx = exploreContext(t)
	defer e.close()
	e.explore()
}

// resolveExplore fills in the defaults and the environment's overrides.
func resolveExplore(t *testing.T, c exploreConfig) exploreConfig {
	t.Helper()
	if c.runs <= 0 {
		c.runs = 100
		if testing.Short() { // the quick loop: each family of faults alone
			c.runs = newSpace(c.kinds).probes()
		}
	}
	if v := os.Getenv(envExploreRuns); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("harness: %s=%q is not a number of runs", envExploreRuns, v)
		}
		c.runs = n
	}
	if !c.seedSet {
		h := fnv.New64a()
		h.Write([]byte(t.Name()))
		c.seed = h.Sum64()
	}
	switch v := os.Getenv(envExploreSeed); {
	case v == "":
	case strings.EqualFold(v, "random"):
		c.seed = rand.Uint64()
		t.Logf("harness: Explore: %s=random: base seed %d", envExploreSeed, c.seed)
	default:
		s, err := strconv.ParseUint(v, 0, 64)
		if err != nil {
			t.Fatalf("harness: %s=%q is not a seed (a number, or \"random\")", envExploreSeed, v)
		}
		c.seed = s
	}
	if c.corpus == "" {
		c.corpus = defaultCorpus(t.Name())
	}
	return c
}

// exploreContext ends when the test does, or shortly before the go test -timeout deadline, so
// that the report is still written.
func exploreContext(t *testing.T) context.Context {
	ctx := t.Context()
	end, ok := t.Deadline()
	if !ok {
		return ctx
	}
	grace := min(30*time.Second, time.Until(end)/5)
	ctx, cancel := context.WithDeadline(ctx, end.Add(-grace))
	t.Cleanup(cancel)
	return ctx
}

// planSpec is a plan as Explore handles it: a seed and rules.
type planSpec struct {
	Seed  uint64           `json:"seed" yaml:"seed"`
	Rules []faultplan.Rule `json:"rules" yaml:"rules"`
}

func (p planSpec) json() json.RawMessage {
	if p.Rules == nil {
		p.Rules = []faultplan.Rule{}
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // a Rule always marshals
	}
	return b
}

// plan is the faults.Plan of the spec.
func (p planSpec) plan() (*faults.Plan, error) {
	plan, err := faultplan.NewPlan(p.Seed, p.Rules...)
	return (*faults.Plan)(plan), err
}

// clone copies a plan deeply enough to change its rules.
func (p planSpec) clone() planSpec {
	q := planSpec{Seed: p.Seed, Rules: make([]faultplan.Rule, len(p.Rules))}
	for i, r := range p.Rules {
		r.Operations = slices.Clone(r.Operations)
		r.EntryIDs = slices.Clone(r.EntryIDs)
		q.Rules[i] = r
	}
	return q
}

// runSeed is run i's plan seed, from the base seed.
func runSeed(base uint64, i int) uint64 {
	return rand.New(rand.NewPCG(base, uint64(i)^0x9e3779b97f4a7c15)).Uint64()
}

// explorer is one Explore search.
type explorer struct {
	t     *testing.T
	cfg   exploreConfig
	key   string
	space space
	ctx   context.Context

	w        *worker
	nextID   int
	runs     int // runs made
	started  time.Time
	injected map[faultplan.Kind]int // faults injected in passing runs, by kind
	fakeTime time.Duration          // fake time of all runs
	traceTmp string                 // where workers write traces
	traceN   int
	slowest  time.Duration // the longest real time a passing run took
}

// runLimit is how long a run may take in real time before it is stopped as hung: WithRunLimit's,
// else thirty times the slowest passing run so far, between 10 s and a minute.
func (e *explorer) runLimit() time.Duration {
	if e.cfg.runLimit > 0 {
		return e.cfg.runLimit
	}
	if e.slowest == 0 {
		return time.Minute
	}
	return min(max(30*e.slowest, 10*time.Second), time.Minute)
}

func (e *explorer) close() {
	if e.w != nil {
		e.w.close()
	}
}

// try makes one run of spec (with its trace written to trace, if not empty).
func (e *explorer) try(spec planSpec, trace string) runResult {
	if e.w == nil || e.w.dead {
		if e.w != nil {
			e.w.close()
		}
		var timeout time.Duration
		if end, ok := e.ctx.Deadline(); ok {
			timeout = time.Until(end) + 20*time.Second
		}
		w, err := startWorker(e.t, e.key, timeout)
		if err != nil {
			e.t.Fatalf("harness: Explore: %v", err)
		}
		e.w = w
	}
	e.nextID++
	e.runs++
	res := e.w.run(e.ctx, runRequest{ID: e.nextID, Plan: spec.json(), Trace: trace}, e.runLimit())
	if res.Crash != "" {
		res.Failed = true
	}
	if !res.Failed {
		e.slowest = max(e.slowest, res.Real)
	}
	e.fakeTime += res.Elapsed
	return res
}

// outOfTime reports whether the test's time is up.
func (e *explorer) outOfTime() bool { return e.ctx.Err() != nil }

// explore is the search: the corpus, a run without faults, then the space.
func (e *explorer) explore() {
	t := e.t
	files, err := corpusFiles(e.cfg.corpus)
	if err != nil {
		t.Fatalf("harness: Explore: reading the corpus: %v", err)
	}
	for _, f := range files {
		spec, err := loadSpec(f)
		if err != nil {
			t.Errorf("harness: Explore: %v", err)
			continue
		}
		for range 3 { // a saved plan failed at least once in several runs when it was found
			if res := e.try(spec, ""); res.Failed {
				e.report(&found{spec: spec, res: res, origin: "the saved plan " + f, corpusPath: f})
				return
			}
		}
	}
	base := planSpec{Seed: runSeed(e.cfg.seed, 0)}
	if res := e.try(base, ""); res.Failed {
		e.report(&found{spec: base, res: res, origin: "the run without faults"})
		return
	}
	for i := 1; i <= e.cfg.runs; i++ {
		if e.outOfTime() {
			t.Logf("harness: Explore: stopped after %d of %d runs: the test's -timeout is near", i-1, e.cfg.runs)
			return
		}
		spec := planSpec{Seed: runSeed(e.cfg.seed, i), Rules: e.space.plan(e.cfg.seed, i)}
		res := e.try(spec, "")
		if !res.Failed {
			e.count(spec, res)
			continue
		}
		f := &found{spec: spec, res: res, origin: fmt.Sprintf("run %d of %d (base seed %d)", i, e.cfg.runs, e.cfg.seed), original: spec,
			after: time.Since(e.started)}
		e.shrink(f)
		e.save(f)
		e.report(f)
		return
	}
	t.Logf("harness: Explore: %d runs, no failure, in %v (%v of fake time); faults injected: %s",
		e.runs, time.Since(e.started).Round(time.Millisecond), e.fakeTime.Round(time.Second), e.injectedSummary())
}

// count adds a passing run's injections to the tally.
func (e *explorer) count(spec planSpec, res runResult) {
	for _, r := range spec.Rules {
		if n := res.Fired[r.Name]; n > 0 {
			e.injected[r.Kind] += n
		}
	}
}

func (e *explorer) injectedSummary() string {
	if len(e.injected) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(e.injected)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, e.injected[k]))
	}
	return strings.Join(parts, ", ")
}

// replayPlan runs body once under the plan in file, in this process, as Test would.
func replayPlan(t *testing.T, file string, body func(t *testing.T, h *H), optFns []func(*Options)) {
	t.Helper()
	spec, err := loadSpec(file)
	if err != nil {
		t.Fatalf("harness: %s: %v", envExplorePlan, err)
	}
	plan, err := spec.plan()
	if err != nil {
		t.Fatalf("harness: %s=%s: %v", envExplorePlan, file, err)
	}
	t.Logf("harness: Explore: replaying only %s (%s)", file, envExplorePlan)
	synctest.Test(t, func(t *testing.T) {
		body(t, New(t, append(slices.Clone(optFns), withFaults(plan))...))
	})
}

// exploreRemote runs body on a real backend: once without faults, then under each saved plan
// the client placement can apply, in real time.
func exploreRemote(t *testing.T, body func(t *testing.T, h *H), optFns []func(*Options), ec exploreConfig) {
	t.Helper()
	files, err := corpusFiles(ec.corpus)
	if err != nil {
		t.Fatalf("harness: Explore: reading the corpus: %v", err)
	}
	if file := os.Getenv(envExplorePlan); file != "" {
		files = []string{file}
	} else {
		t.Run("without faults", func(t *testing.T) { body(t, New(t, optFns...)) })
	}
	for _, f := range files {
		spec, err := loadSpec(f)
		if err != nil {
			t.Errorf("harness: Explore: %v", err)
			continue
		}
		plan, err := spec.plan()
		if err == nil {
			err = (*faultplan.Plan)(plan).Validate(faultplan.Client)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if err != nil {
			t.Logf("harness: Explore: %s cannot run on %s, where faults act in the SDK middleware: %v", f, selectedBackend(optFns), err)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Logf("harness: Explore: the saved plan %s", f)
			body(t, New(t, append(slices.Clone(optFns), withFaults(plan))...))
		})
	}
}
