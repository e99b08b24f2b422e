package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/childtest"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Explore runs each of its runs in a worker: the test binary itself, started again with
// -test.run set to the exploring test and envExploreWorker naming it. There the same Explore
// call serves runs instead of searching: each run is a subtest inside its own synctest bubble,
// so a failing run fails only the worker's subtest, a panicking one ends only the worker, and
// one that never lets fake time advance can be stopped from outside. The parent writes one
// request per line on the worker's stdin and reads the worker's output: go test -v's lines,
// which it keeps as the run's output, and one result line per run.

const (
	envExploreWorker = "SQSHARNESS_EXPLORE_WORKER"
	readyMarker      = "@@sqsharness-explore-ready"
	resultMarker     = "@@sqsharness-explore-result "
	stacksMarker     = "@@sqsharness-explore-stacks"     // begins a dump of every goroutine's stack
	stacksEndMarker  = "@@sqsharness-explore-stacks-end" // ends it
	maxOutputLines   = 4000                              // lines of output kept per run
)

// runRequest asks a worker for one run.
type runRequest struct {
	ID    int             `json:"id"`
	Plan  json.RawMessage `json:"plan"`            // the plan, as faultplan.Parse reads it
	Trace string          `json:"trace,omitempty"` // write the run's trace events here (JSON)
}

// runResult is what a run did.
type runResult struct {
	ID       int                 `json:"id"`
	Failed   bool                `json:"failed"`
	Fired    map[string]int      `json:"fired,omitempty"`    // rule name → times it fired
	FiredOps map[string][]string `json:"firedOps,omitempty"` // rule name → operations it fired on
	Problems []string            `json:"problems,omitempty"` // what the harness's checks reported
	Elapsed  time.Duration       `json:"elapsed"`            // the bubble's fake time from start to end

	Output []string      `json:"-"` // the worker's output during the run (go test -v lines)
	Crash  string        `json:"-"` // the worker ended or was stopped during the run: why
	Real   time.Duration `json:"-"` // real time the run took
}

// exploreKey names one Explore call of a test: the test's name and the call's number in it.
func exploreKey(t *testing.T) string {
	exploreMu.Lock()
	defer exploreMu.Unlock()
	if _, ok := exploreCalls[t]; !ok {
		t.Cleanup(func() {
			exploreMu.Lock()
			defer exploreMu.Unlock()
			delete(exploreCalls, t)
		})
	}
	exploreCalls[t]++
	return fmt.Sprintf("%d:%s", exploreCalls[t], t.Name())
}

var (
	exploreMu    sync.Mutex
	exploreCalls = map[*testing.T]int{} // Explore calls so far, per running test
)

// serveRuns is Explore inside a worker: it reads requests from stdin until it closes and runs
// each, reporting on stdout.
func serveRuns(t *testing.T, body func(t *testing.T, h *H), optFns []func(*Options)) {
	onStackRequest(func() {
		buf := make([]byte, 4<<20)
		buf = buf[:runtime.Stack(buf, true)]
		_, _ = os.Stdout.Write(fmt.Appendf(nil, "\n%s\n%s\n%s\n", stacksMarker, buf, stacksEndMarker))
	})
	fmt.Println(readyMarker)
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var req runRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			t.Fatalf("harness: explore worker: bad request: %v", err)
		}
		res := runOne(t, req, body, optFns)
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatalf("harness: explore worker: %v", err)
		}
		fmt.Printf("%s%s\n", resultMarker, b)
	}
}

// runOne runs body once under the request's plan, in a subtest inside a synctest bubble.
func runOne(t *testing.T, req runRequest, body func(t *testing.T, h *H), optFns []func(*Options)) runResult {
	res := runResult{ID: req.ID}
	plan, err := faultplan.Parse(req.Plan)
	if err != nil {
		res.Failed, res.Problems = true, []string{err.Error()}
		return res
	}
	ok := t.Run(fmt.Sprintf("run-%d", req.ID), func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			runOpts := append(slices.Clone(optFns), func(o *Options) { o.Faults = (*faults.Plan)(plan) })
			if req.Trace != "" {
				runOpts = append(runOpts, func(o *Options) {
					o.Mock = append(o.Mock, func(m *sqsmock.Options) { m.TraceSize = traceSize })
				})
			}
			h := New(t, runOpts...)
			t.Cleanup(func() {
				res.Elapsed = time.Since(start)
				res.Problems = h.problems()
				res.Fired, res.FiredOps = firedRules(plan)
				if req.Trace != "" && h.mock != nil {
					writeTraceEvents(t, req.Trace, h.mock)
				}
			})
			body(t, h)
		})
	})
	res.Failed = !ok
	return res
}

// firedRules counts each rule's injections and the operations they hit.
func firedRules(plan *faultplan.Plan) (map[string]int, map[string][]string) {
	fired, ops := map[string]int{}, map[string][]string{}
	for _, in := range plan.Injections() {
		fired[in.Rule]++
		if !slices.Contains(ops[in.Rule], in.Operation) {
			ops[in.Rule] = append(ops[in.Rule], in.Operation)
		}
	}
	return fired, ops
}

// traceFile is the form of a run's trace handed from a worker to the parent.
type traceFile struct {
	Events  []sqsmock.TraceEvent `json:"events"`
	Dropped uint64               `json:"dropped"`
}

func writeTraceEvents(t *testing.T, path string, m *sqsmock.Mock) {
	evs := m.Trace()
	b, err := json.Marshal(traceFile{Events: evs, Dropped: droppedOf(evs)})
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		t.Logf("harness: explore worker: writing the trace: %v", err)
	}
}

// worker is a running worker process, seen from the parent.
type worker struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // the worker's output, line by line; closed when it ends
	dead  bool
}

// startWorker starts the test binary as a worker for the Explore call key of test t.
func startWorker(t *testing.T, key string, timeout time.Duration) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	args := []string{"-test.run=" + childtest.Pattern(t.Name()), "-test.v=true", "-test.count=1", "-test.shuffle=off"}
	if timeout > 0 {
		args = append(args, "-test.timeout="+timeout.String())
	} else {
		args = append(args, "-test.timeout=0")
	}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = workerEnv(key)
	setWorkerAttrs(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, stdin: stdin, lines: make(chan string, 256)}
	go func() {
		_ = cmd.Wait()
		pw.Close()
	}()
	go func() {
		defer close(w.lines)
		br := bufio.NewReaderSize(pr, 64<<10)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				w.lines <- strings.TrimRight(line, "\r\n")
			}
			if err != nil {
				_, _ = io.Copy(io.Discard, pr)
				return
			}
		}
	}()
	// Wait for the worker to reach Explore.
	var out []string
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	for {
		select {
		case line, ok := <-w.lines:
			if !ok {
				w.dead = true
				return nil, fmt.Errorf("the worker process (%s %s) ended before it reached Explore:\n%s", exe, strings.Join(args, " "), tail(out, 40))
			}
			if line == readyMarker {
				return w, nil
			}
			out = append(out, line)
		case <-deadline.C:
			w.kill()
			return nil, fmt.Errorf("the worker process did not reach Explore within 2 minutes:\n%s", tail(out, 40))
		}
	}
}

// workerEnv is the parent's environment for a worker: it names the Explore call to serve, asks
// for full goroutine dumps, and leaves trace writing to the parent.
func workerEnv(key string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case envExploreWorker, envTraceDir, envTrace, "GOTRACEBACK":
			continue
		}
		env = append(env, kv)
	}
	return append(env, envExploreWorker+"="+key, "GOTRACEBACK=all")
}

// run makes one run; limit bounds its real time (0: none). A worker that ends or is stopped
// during the run is dead afterwards.
func (w *worker) run(ctx context.Context, req runRequest, limit time.Duration) runResult {
	start := time.Now()
	b, _ := json.Marshal(req)
	res := runResult{ID: req.ID, Failed: true}
	if _, err := fmt.Fprintf(w.stdin, "%s\n", b); err != nil {
		res.Crash = fmt.Sprintf("the worker process could not take the run: %v", err)
		w.kill()
		return res
	}
	var out []string
	keep := func(line string) {
		out = append(out, line)
		if len(out) > maxOutputLines {
			out = slices.Delete(out, 0, len(out)-maxOutputLines)
		}
	}
	var timeout <-chan time.Time
	if limit > 0 {
		tm := time.NewTimer(limit)
		defer tm.Stop()
		timeout = tm.C
	}
	for {
		select {
		case line, ok := <-w.lines:
			if !ok {
				w.dead = true
				res.Output, res.Real = out, time.Since(start)
				res.Crash = "the test process ended during the run (a panic, a fatal error, a deadlocked bubble or os.Exit)"
				return res
			}
			if rest, found := strings.CutPrefix(line, resultMarker); found {
				var r runResult
				if err := json.Unmarshal([]byte(rest), &r); err != nil || r.ID != req.ID {
					keep(line)
					continue
				}
				r.Output, r.Real = out, time.Since(start)
				return r
			}
			keep(line)
		case <-timeout:
			out = append(out, w.stop()...)
			res.Output, res.Real = out, time.Since(start)
			res.Crash = fmt.Sprintf("the run did not finish within %v of real time", limit)
			return res
		case <-ctx.Done():
			w.kill()
			res.Output, res.Real = out, time.Since(start)
			res.Crash = "the test ran out of time"
			return res
		}
	}
}

// stop ends a hung worker. It first asks for every goroutine's stack (where the platform lets
// it), which the worker prints from a goroutine of its own after stopping the world, so a loop
// that spins inside the race detector's runtime is caught at a Go statement; then it ends the
// worker with SIGQUIT, whose dump is the fallback. It returns the output it read meanwhile.
func (w *worker) stop() []string {
	var out []string
	read := func(until string, within time.Duration) {
		grace := time.NewTimer(within)
		defer grace.Stop()
		for {
			select {
			case line, ok := <-w.lines:
				if !ok {
					return
				}
				out = append(out, line)
				if until != "" && line == until {
					return
				}
			case <-grace.C:
				return
			}
		}
	}
	if askStacks(w.cmd) {
		read(stacksEndMarker, 5*time.Second)
	}
	if !slices.Contains(out, stacksEndMarker) && quit(w.cmd) {
		read("", 10*time.Second)
	}
	w.kill()
	return out
}

// kill ends the worker and waits for its output to close.
func (w *worker) kill() {
	w.dead = true
	_ = w.stdin.Close()
	if w.cmd.Process != nil {
		_ = w.cmd.Process.Kill()
	}
	for range w.lines {
	}
}

// close ends the worker: its stdin closes, so it finishes its test; it is killed if it does not
// end within a few seconds.
func (w *worker) close() {
	if w.dead {
		return
	}
	_ = w.stdin.Close()
	done := make(chan struct{})
	go func() {
		for range w.lines {
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		w.kill()
	}
	w.dead = true
}

// tail is the last n lines, joined.
func tail(lines []string, n int) string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
