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
		bodies := h.SendN(q, 12)
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
	harness.Explore(t, chargeBody(true), harness.WithCorpus(t.TempDir()), harness.WithRuns(30))
}

const exploreChildEnv = "SQSHARNESS_TEST_EXPLORE_CHILD"

// TestExploreBuggyChild is a test that must fail: run by TestExploreFindsTheBug in a child.
func TestExploreBuggyChild(t *testing.T) {
	dir := os.Getenv(exploreChildEnv)
	if dir == "" {
		t.Skip("run by TestExploreFindsTheBug in a child process")
	}
	harness.Explore(t, chargeBody(false), harness.WithCorpus(dir), harness.WithRuns(30))
}

func TestExploreFindsTheBug(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestExploreBuggyChild$", "-test.v", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), exploreChildEnv+"="+dir)
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
