package harness

import (
	"slices"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// Shrinking: a failing plan is reduced to the smallest plan that still fails. Candidates are
// tried from the biggest cut to the smallest (a whole rule, then a rule's operations, count,
// probability, window and delays); the first that still fails is kept and the search starts
// again from it, until no candidate fails or the budget is spent. Goroutine interleavings in a
// bubble are not fixed, so a candidate is run several times and counts as failing only when it
// fails about as often as the plan it would replace (at least three quarters as often, and at
// least twice): a plan that fails once in a while by luck is a poor report, so the shrink keeps
// the failure as reliable as the search found it.
const (
	shrinkReps   = 5   // runs of a candidate, at most
	shrinkBudget = 200 // runs a shrink may make
	confirmRuns  = 10  // runs of the final plan, for how often it fails
)

// found is a failure Explore reports.
type found struct {
	spec       planSpec  // the plan that fails (shrunk, when it was found by the search)
	original   planSpec  // the plan as the search found it
	res        runResult // a failing run of spec
	origin     string    // where it came from, in words
	failures   int       // failing runs of spec when confirmed ...
	tries      int       // ... out of this many
	shrinkRuns int
	after      time.Duration // real time from the search's start to the failing run
	corpusPath string
	tracePath  string
}

// shrink reduces f.spec, then measures how often the result fails.
func (e *explorer) shrink(f *found) {
	start := e.runs
	// How reliably the plan as found fails: the found run and four more.
	fails := 1
	for range shrinkReps - 1 {
		if res := e.try(f.spec, ""); res.Failed {
			fails++
		}
	}
	need := max(2, (3*fails+3)/4) // failing runs of shrinkReps that make a candidate fail
	tried := map[string]bool{}    // plans that passed
	type step struct {
		spec planSpec
		res  runResult
	}
	history := []step{{f.spec, f.res}} // the plans kept, the plan as found first
	accept := func(c planSpec) bool {
		key := string(c.json())
		if tried[key] {
			return false
		}
		fails := 0
		var failed runResult
		for i := range shrinkReps {
			if e.outOfTime() || e.runs-start >= shrinkBudget || fails+shrinkReps-i < need {
				break
			}
			if res := e.try(c, ""); res.Failed {
				if fails++; fails == 1 {
					failed = res
				}
				if fails == need {
					f.spec, f.res = c, failed
					history = append(history, step{c, failed})
					return true
				}
			}
		}
		tried[key] = true
		return false
	}

	// Rules that did not fire in the failing run had no part in it.
	c := f.spec.clone()
	c.Rules = slices.DeleteFunc(c.Rules, func(r faultplan.Rule) bool { return f.res.Fired[r.Name] == 0 })
	if len(c.Rules) < len(f.spec.Rules) {
		accept(c)
	}
	for progress := true; progress && !e.outOfTime() && e.runs-start < shrinkBudget; {
		progress = false
		for i := range f.spec.Rules {
			c := f.spec.clone()
			c.Rules = slices.Delete(c.Rules, i, i+1)
			if progress = accept(c); progress {
				break
			}
		}
		if progress {
			continue
		}
	rules:
		for i := range f.spec.Rules {
			for _, c := range simpler(f.spec, i, f.res) {
				if progress = accept(c); progress {
					break rules
				}
			}
		}
	}
	f.shrinkRuns = e.runs - start
	e.confirm(f)
	// A candidate can pass the shrink's few runs by luck and then rarely fail. Then one of the last
	// plans kept before it that fails more often is the better report.
	want := max(3, 3*2*fails/4) // of confirmRuns: three quarters of the rate as found
	for i := len(history) - 2; i >= 0 && i >= len(history)-4 && f.failures*10 < want*f.tries && !e.outOfTime(); i-- {
		g := &found{spec: history[i].spec, res: history[i].res}
		e.confirm(g)
		if g.failures > f.failures {
			f.spec, f.res, f.failures, f.tries, f.tracePath = g.spec, g.res, g.failures, g.tries, g.tracePath
		}
	}
	f.shrinkRuns = e.runs - start - f.tries
}

// simpler lists the candidates that simplify rule i of spec, the biggest cut first, given a
// failing run of spec.
func simpler(spec planSpec, i int, res runResult) []planSpec {
	r := spec.Rules[i]
	var out []planSpec
	with := func(change func(r *faultplan.Rule)) {
		c := spec.clone()
		change(&c.Rules[i])
		if !sameRule(c.Rules[i], r) {
			out = append(out, c)
		}
	}
	fired := res.Fired[r.Name]
	// Only the operations it fired on, then each of them alone.
	if ops := slices.Sorted(slices.Values(res.FiredOps[r.Name])); len(ops) > 0 {
		if !slices.Equal(ops, r.Operations) {
			with(func(r *faultplan.Rule) { r.Operations = ops })
		}
		if len(ops) > 1 {
			for _, op := range ops {
				with(func(r *faultplan.Rule) { r.Operations = []string{op} })
			}
		}
	}
	// A count instead of no limit; then a smaller count.
	if r.Times == 0 && fired > 0 {
		with(func(r *faultplan.Rule) { r.Times = fired })
	}
	if r.Times > 1 {
		with(func(r *faultplan.Rule) { r.Times = 1 })
		with(func(r *faultplan.Rule) { r.Times /= 2 })
		with(func(r *faultplan.Rule) { r.Times-- })
	}
	// Every match rather than some, when the count bounds it.
	if r.Probability < 1 && r.Times > 0 {
		with(func(r *faultplan.Rule) { r.Probability = 1 })
	}
	if r.After > 0 {
		with(func(r *faultplan.Rule) { r.After = 0 })
		with(func(r *faultplan.Rule) { r.After /= 2 })
	}
	// No window, when the count bounds it.
	if (r.From > 0 || r.Until > 0) && r.Times > 0 {
		with(func(r *faultplan.Rule) { r.From, r.Until = 0, 0 })
	}
	if r.From > 0 {
		with(func(r *faultplan.Rule) { r.From = 0 })
	}
	if r.Jitter > 0 {
		with(func(r *faultplan.Rule) { r.Jitter, r.Distribution = 0, "" })
	}
	if r.Latency > 10*time.Millisecond && r.Kind == faultplan.Latency {
		with(func(r *faultplan.Rule) { r.Latency = (r.Latency / 2).Round(time.Millisecond) })
	}
	if r.Delay > 0 {
		with(func(r *faultplan.Rule) { r.Delay = 0 })
		if r.Delay >= 2*time.Second {
			with(func(r *faultplan.Rule) { r.Delay = (r.Delay / 2).Round(time.Second) })
		}
	}
	if r.Kind == faultplan.Throttle {
		with(func(r *faultplan.Rule) { r.Rate *= 2 })
		if r.Burst > 1 {
			with(func(r *faultplan.Rule) { r.Burst = 1 })
		}
	}
	return out
}

// sameRule compares two rules field by field.
func sameRule(a, b faultplan.Rule) bool {
	return a.Name == b.Name && a.Kind == b.Kind && slices.Equal(a.Operations, b.Operations) &&
		a.Probability == b.Probability && a.Times == b.Times && a.After == b.After && a.From == b.From &&
		a.Until == b.Until && a.Latency == b.Latency && a.Jitter == b.Jitter && a.Distribution == b.Distribution &&
		a.Delay == b.Delay && a.Rate == b.Rate && a.Burst == b.Burst && a.ErrorCode == b.ErrorCode &&
		a.Applied == b.Applied && slices.Equal(a.EntryIDs, b.EntryIDs) && a.Queue == b.Queue && a.QueueRegexp == b.QueueRegexp
}

// confirm runs the final plan several times to say how often it fails; with
// SQSHARNESS_TRACE_DIR set it keeps the trace of a failing run.
func (e *explorer) confirm(f *found) {
	traced := false
	runs := confirmRuns
	if strings.Contains(f.res.Crash, "did not finish") {
		runs = 2 // each costs the whole run limit
	}
	for range runs {
		if e.outOfTime() {
			break
		}
		trace := ""
		if !traced && traceDirEnv() != "" {
			trace = e.tempTrace()
		}
		res := e.try(f.spec, trace)
		f.tries++
		if res.Failed {
			f.failures++
			if trace != "" && fileExists(trace) {
				f.res, f.tracePath, traced = res, trace, true
			}
		}
	}
}
