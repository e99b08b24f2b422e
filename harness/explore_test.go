package harness_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/childtest"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// chargeWorker is the consumer a user writes: workers long-poll, charge the order in the body,
// and delete the message. With dedupe it remembers the orders it charged.
type chargeWorker struct {
	api     sqsmock.API
	url     string
	workers int
	dedupe  bool

	mu      sync.Mutex
	charged map[string]int
}

func (w *chargeWorker) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range w.workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				out, err := w.api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.url), MaxNumberOfMessages: 10, WaitTimeSeconds: 20})
				if err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
					}
					continue
				}
				for _, m := range out.Messages {
					w.charge(aws.ToString(m.Body))
					_, _ = w.api.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(w.url), ReceiptHandle: m.ReceiptHandle})
				}
			}
		})
	}
	wg.Wait()
	return nil
}

func (w *chargeWorker) charge(order string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dedupe && w.charged[order] > 0 {
		return
	}
	w.charged[order]++
}

// chargeBody is the Explore body: send orders, run the worker, assert each was charged once.
func chargeBody(dedupe bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		q := h.Queue("orders", map[string]string{"VisibilityTimeout": "30"})
		bodies := h.SendBodies(q, harness.Bodies("msg", 12))
		w := &chargeWorker{url: q, workers: 3, dedupe: dedupe, charged: map[string]int{}}
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			w.api = api
			return w.run(ctx)
		})
		for _, b := range bodies {
			assert.Equal(t, 1, w.charged[b], "order %s charged once", b)
		}
	}
}

func TestExploreCorrectConsumerPasses(t *testing.T) {
	harness.Explore(t, chargeBody(true), func(o *harness.Options) { o.Corpus = t.TempDir() }, func(o *harness.Options) { o.Runs = 30 })
}

const exploreChildEnv = "SQSHARNESS_TEST_EXPLORE_CHILD"

// TestExploreBuggyChild is a test that must fail: run by TestExploreFindsTheBug in a child.
func TestExploreBuggyChild(t *testing.T) {
	dir := os.Getenv(exploreChildEnv)
	if dir == "" {
		t.Skip("run by TestExploreFindsTheBug in a child process")
	}
	harness.Explore(t, chargeBody(false), func(o *harness.Options) { o.Corpus = dir }, func(o *harness.Options) { o.Runs = 30 })
}

func TestExploreFindsTheBug(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	dir, traces := t.TempDir(), t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestExploreBuggyChild$", "-test.v", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), exploreChildEnv+"="+dir, "SQSHARNESS_TRACE_DIR"+"="+traces)
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	require.Error(t, err, "the child's test fails")
	s := string(out)
	assert.Contains(t, s, "harness.Explore:")
	assert.Contains(t, s, "charged once")
	files, _ := os.ReadDir(dir)
	assert.Len(t, files, 1, "the minimal plan is saved")
	assert.Contains(t, s, "Shrunk in")
	assert.Contains(t, s, "SQSHARNESS_EXPLORE_PLAN="+dir)
	assert.Regexp(t, `(?m)^\s+rules:\n\s+- name: \S+\n\s+kind: \S+`, s, "the plan, as YAML")
	page := filepath.Join(traces, "TestExploreBuggyChild.html")
	assert.Contains(t, s, "Trace of the failing run: "+page)
	html, err := os.ReadFile(page)
	require.NoError(t, err, "the failing run's trace page")
	assert.Contains(t, string(html), "harness.Explore")
	assert.Equal(t, []string{"TestExploreBuggyChild.html"}, dirNames(t, traces), "one page: the workers' runs write none")
}

func FuzzChargeWorker(f *testing.F) {
	harness.Fuzz(f, chargeBody(true))
}

const fuzzChildEnv = "SQSHARNESS_TEST_FUZZ_CHILD"

// FuzzBuggyChild is a fuzz test that must find a failure no seed input shows: a body that fails
// under any plan of two rules or more. Run by TestFuzzFindsTheBug.
func FuzzBuggyChild(f *testing.F) {
	if os.Getenv(fuzzChildEnv) == "" {
		f.Skip("run by TestFuzzFindsTheBug in a child process")
	}
	harness.Fuzz(f, func(t *testing.T, h *harness.H) {
		chargeBody(true)(t, h)
		if rules := h.Faults().Rules(); len(rules) >= 2 {
			t.Errorf("planted failure: a plan of %d rules", len(rules))
		}
	})
}

func TestFuzzFindsTheBug(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.fuzz=^FuzzBuggyChild$", "-test.fuzztime=2000x",
		"-test.fuzzcachedir="+filepath.Join(dir, "cache"), "-test.parallel=1", "-test.timeout=5m")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), fuzzChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("child output:\n%s", out)
	require.Error(t, err, "the fuzz test fails")
	assert.Contains(t, string(out), "planted failure: a plan of 2 rules", "minimised to two rules")
	assert.Contains(t, string(out), "harness: Fuzz: the fault plan of this input:")
	inputs, _ := filepath.Glob(filepath.Join(dir, "testdata", "fuzz", "FuzzBuggyChild", "*"))
	require.Len(t, inputs, 1, "go test -fuzz saved the failing input")
	saved, err := os.ReadFile(inputs[0])
	require.NoError(t, err)
	assert.Regexp(t, `^go test fuzz v1\n\[\]byte\(".{8,32}"\)\n$`, string(saved), "eight bytes: two rules")
}

// runChild runs one test of this binary in a child process (not under -short).
func runChild(t *testing.T, test string, env ...string) (string, bool) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	out, failed := childtest.Run(t, test, env...)
	t.Logf("child output:\n%s", out)
	return out, failed
}

const exploreCaseEnv = "SQSHARNESS_TEST_EXPLORE_CASE"

// TestExploreChild runs one of the cases below, chosen by the parent test: each must fail.
func TestExploreChild(t *testing.T) {
	dir := os.Getenv(exploreChildEnv)
	switch os.Getenv(exploreCaseEnv) {
	case "spin":
		// A consumer that short-polls without ever waiting and never deletes: once every message
		// is in flight it spins, and the bubble's fake time never moves again. (One that deleted
		// could settle the run before its 1000th empty receive, depending on interleavings.)
		harness.Explore(t, func(t *testing.T, h *harness.H) {
			q := h.Queue("spin", nil)
			bodies := h.SendBodies(q, harness.Bodies("msg", 3))
			h.CheckConsumer(q, harness.Expect{Bodies: bodies, Timeout: time.Minute}, func(ctx context.Context, api sqsmock.API) error {
				return spinningConsumer(ctx, api, q)
			})
		}, func(o *harness.Options) { o.Corpus = dir }, harness.WithRunLimit(2*time.Second))
	case "busy":
		// A consumer whose loop spins on the CPU without any call: nothing can make the bubble's
		// time move again.
		harness.Explore(t, func(t *testing.T, h *harness.H) {
			q := h.Queue("busy", nil)
			bodies := h.SendBodies(q, harness.Bodies("msg", 3))
			h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
				return busyConsumer(ctx, api, q)
			})
		}, func(o *harness.Options) { o.Corpus = dir }, harness.WithRunLimit(2*time.Second))
	case "panic":
		// A consumer that panics on a message it sees twice: only a fault shows it.
		harness.Explore(t, func(t *testing.T, h *harness.H) {
			q := h.Queue("panics", map[string]string{"VisibilityTimeout": "30"})
			bodies := h.SendBodies(q, harness.Bodies("msg", 6))
			seen := map[string]bool{}
			var mu sync.Mutex
			w := &chargeWorker{url: q, workers: 2, charged: map[string]int{}}
			h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
				w.api = &panicOnSecond{API: api, seen: seen, mu: &mu}
				return w.run(ctx)
			})
		}, func(o *harness.Options) { o.Corpus = dir }, func(o *harness.Options) { o.Runs = 40 })
	case "corpus":
		harness.Explore(t, chargeBody(false), func(o *harness.Options) { o.Corpus = dir }, func(o *harness.Options) { o.Runs = 0 })
	case "":
		t.Skip("run by the TestExplore* tests in a child process")
	}
}

func spinningConsumer(ctx context.Context, api sqsmock.API, q string) error {
	for ctx.Err() == nil {
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
		if err != nil {
			continue
		}
		_ = out.Messages // never deleted: the run cannot settle without time moving
	}
	return nil
}

func busyConsumer(ctx context.Context, api sqsmock.API, q string) error {
	n := 0
	for ctx.Err() == nil { // waits for "a free slot" without ever blocking
		n++
	}
	return nil
}

// panicOnSecond panics when a body is received a second time.
type panicOnSecond struct {
	sqsmock.API
	mu   *sync.Mutex
	seen map[string]bool
}

func (p *panicOnSecond) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	out, err := p.API.ReceiveMessage(ctx, in, optFns...)
	if err != nil {
		return out, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range out.Messages {
		if p.seen[aws.ToString(m.Body)] {
			panic("received " + aws.ToString(m.Body) + " twice")
		}
		p.seen[aws.ToString(m.Body)] = true
	}
	return out, nil
}

// A consumer that polls without ever waiting is reported by CheckConsumer in the bubble, and the
// run ends.
func TestExploreReportsAPollingLoop(t *testing.T) {
	out, failed := runChild(t, "TestExploreChild", exploreChildEnv+"="+t.TempDir(), exploreCaseEnv+"=spin")
	require.True(t, failed)
	assert.Contains(t, out, "the test fails without any fault")
	assert.Regexp(t, `the consumer called ReceiveMessage 1000 times in a row at 00:00:00 without the clock moving, each answering no messages: it polls in a loop that never waits`, out)
	assert.NotContains(t, out, "did not finish within")
}

// A run that never lets fake time move, without calling SQS, is stopped and reported with the
// goroutines that spun.
func TestExploreReportsASpinningRun(t *testing.T) {
	out, failed := runChild(t, "TestExploreChild", exploreChildEnv+"="+t.TempDir(), exploreCaseEnv+"=busy")
	require.True(t, failed)
	assert.Contains(t, out, "the test fails without any fault")
	assert.Contains(t, out, "The run did not finish within 2s of real time")
	assert.Contains(t, out, "harness_test.busyConsumer", "the spinning goroutine's stack")
	assert.NotContains(t, out, "panic: test timed out")
}

// A run that panics ends only the worker; the search goes on in a new one, shrinks, and reports
// the panic.
func TestExploreReportsAPanic(t *testing.T) {
	dir := t.TempDir()
	out, failed := runChild(t, "TestExploreChild", exploreChildEnv+"="+dir, exploreCaseEnv+"=panic")
	require.True(t, failed)
	assert.Contains(t, out, "The test process ended during the run")
	assert.Regexp(t, `panic: received msg-\d twice`, out)
	assert.Contains(t, out, "Shrunk in")
	files, _ := os.ReadDir(dir)
	assert.Len(t, files, 1, "the minimal plan is saved")
}

// A saved plan is replayed before anything else, and fails the test on its own.
func TestExploreReplaysTheCorpusFirst(t *testing.T) {
	dir := t.TempDir()
	plan := "# a lost delete, as Explore saves it\nseed: 7\nrules:\n  - name: lost\n    kind: lost-delete\n    times: 2\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lost.yaml"), []byte(plan), 0o644))
	out, failed := runChild(t, "TestExploreChild", exploreChildEnv+"="+dir, exploreCaseEnv+"=corpus")
	require.True(t, failed)
	assert.Contains(t, out, "harness.Explore: the saved plan "+filepath.Join(dir, "lost.yaml")+" fails")
	assert.Contains(t, out, "charged once")
	assert.NotContains(t, out, "the run without faults")
}

// The correct consumer passes the same saved plan.
func TestExploreCorpusPasses(t *testing.T) {
	dir := t.TempDir()
	plan := "seed: 7\nrules:\n  - name: lost\n    kind: lost-delete\n    times: 2\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lost.yaml"), []byte(plan), 0o644))
	harness.Explore(t, chargeBody(true), func(o *harness.Options) { o.Corpus = dir }, func(o *harness.Options) { o.Runs = 0 })
}

// SQSHARNESS_EXPLORE_PLAN replays one plan, once, in the test's own process.
func TestExplorePlanEnvReplaysOnePlan(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dup.yaml")
	require.NoError(t, os.WriteFile(file, []byte("seed: 3\nrules:\n  - name: dup\n    kind: duplicate-delivery\n    times: 3\n"), 0o644))
	t.Setenv("SQSHARNESS_EXPLORE_PLAN", file)
	runs := 0
	harness.Explore(t, func(t *testing.T, h *harness.H) {
		runs++
		require.Len(t, h.Faults().Rules(), 1)
		assert.Equal(t, "dup", (*faultplan.Plan)(h.Faults()).Rules()[0].Name)
		chargeBody(true)(t, h)
		assert.Equal(t, 3, fired(h.Faults(), "dup"), "the plan's rule fired")
	}, func(o *harness.Options) { o.Corpus = t.TempDir() })
	assert.Equal(t, 1, runs, "one run, in this process")
}

// On a real backend Explore runs the body without faults and under each saved plan, in real
// time, as subtests.
func TestExploreOnARealBackend(t *testing.T) {
	srv := sqsmock.NewServer(t) // poses as a real backend: real time, no fast-forward
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "throttled.yaml"),
		[]byte("seed: 1\nrules:\n  - name: throttled\n    kind: error\n    errorCode: RequestThrottled\n    operations: [ReceiveMessage]\n    times: 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "engine-only.yaml"),
		[]byte("seed: 1\nrules:\n  - name: late\n    kind: delayed-visibility\n    operations: [ChangeMessageVisibility]\n    delay: 1s\n"), 0o644))
	var ran []string
	harness.Explore(t, func(t *testing.T, h *harness.H) {
		ran = append(ran, t.Name())
		assert.Equal(t, harness.Backend("elasticmq"), h.Backend())
		q := h.Queue("remote", nil)
		h.Send(q, "hello")
		out, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 1})
		require.NoError(t, err, "the SDK retries one throttled receive")
		require.Len(t, out.Messages, 1)
		if p := h.Faults(); p != nil {
			assert.Equal(t, 1, fired(p, "throttled"))
		}
	}, func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = srv.URL }, func(o *harness.Options) { o.Corpus = dir })
	assert.Equal(t, []string{t.Name() + "/without_faults", t.Name() + "/throttled"}, ran)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
