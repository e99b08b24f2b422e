package suite

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// The runner's promises are about how a `go test` run ends, so each case runs the test binary
// again (TestRunnerChild) against an sqsmock server of this test, posing as a real backend
// (ElasticMQ at that endpoint: real time, no fast-forward), and reads how the child ended.
const (
	childCase     = "SQSHARNESS_RUNNER_CHILD_CASE"
	childEndpoint = "SQSHARNESS_RUNNER_CHILD_ENDPOINT"
)

// childCases are the behaviour lists the child runs, by case name.
var childCases = map[string]func() []Test{
	// The test would wait 10 minutes; the child's -timeout is 25 s.
	"timeout": func() []Test {
		return []Test{{ID: "SQS-Q-001", Title: "waits too long", Doc: apiDoc("CreateQueue"), Run: func(c *C) {
			url := c.Queue("leak", nil)
			c.Advance(10 * time.Minute)
			c.Send(url, "too late")
		}}}
	},
	// SQS-Q-001 is listed for elasticmq by the child's deviations and passes; SQS-Q-002 is
	// listed and fails: a known deviation.
	"deviations": func() []Test {
		return []Test{
			{ID: "SQS-Q-001", Title: "passes", Doc: apiDoc("CreateQueue"), Run: func(c *C) { c.Queue("ok", nil) }},
			{ID: "SQS-Q-002", Title: "fails", Doc: apiDoc("CreateQueue"), Run: func(c *C) {
				c.Queue("dev", nil)
				require.Fail(c, "observed something else")
			}},
		}
	},
	// SQS-Q-001 and SQS-Q-002 are listed as intermittent deviations; one passes, one fails: both
	// subtests pass, and both are reported as known deviations.
	"intermittent": func() []Test {
		return []Test{
			{ID: "SQS-Q-001", Title: "passes this time", Doc: apiDoc("CreateQueue"), Run: func(c *C) { c.Queue("ok", nil) }},
			{ID: "SQS-Q-002", Title: "fails this time", Doc: apiDoc("CreateQueue"), Run: func(c *C) {
				c.Queue("dev", nil)
				require.Fail(c, "lost a race")
			}},
		}
	},
	// A panic fails its own test only; the queue it made is deleted.
	"panic": func() []Test {
		return []Test{
			{ID: "SQS-Q-001", Title: "panics", Doc: apiDoc("CreateQueue"), Run: func(c *C) {
				c.Queue("boom", nil)
				panic("boom")
			}},
			{ID: "SQS-Q-002", Title: "passes", Doc: apiDoc("CreateQueue"), Run: func(c *C) { c.Queue("fine", nil) }},
		}
	},
}

const childDeviations = `
- backend: elasticmq
  test: SQS-Q-001
  instead: does something else
  evidence: made up for the runner's test
- backend: elasticmq
  test: SQS-Q-002
  instead: does something else
  evidence: made up for the runner's test
`

const childIntermittent = `
- backend: elasticmq
  test: SQS-Q-001
  instead: loses a race now and then
  evidence: made up for the runner's test
  intermittent: true
- backend: elasticmq
  test: SQS-Q-002
  instead: loses a race now and then
  evidence: made up for the runner's test
  intermittent: true
`

func TestRunnerChild(t *testing.T) {
	name := os.Getenv(childCase)
	if name == "" {
		t.Skip("run by TestRunner in a child process")
	}
	yaml := map[string]string{"deviations": childDeviations, "intermittent": childIntermittent}[name]
	devs, err := ParseDeviations([]byte(yaml))
	require.NoError(t, err)
	hopts := []func(*harness.Options){func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = os.Getenv(childEndpoint) }}
	runTests(t, "elasticmq", os.Getenv(childEndpoint), childCases[name](), hopts, &Config{Deviations: devs})
}

func TestRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	tests := []struct {
		name   string
		ok     bool     // the child's run passes
		output []string // in the child's output
		absent []string // not in it
	}{
		{name: "timeout", output: []string{"--- FAIL: TestRunnerChild/SQS-Q-001", "SQS-Q-001 ran out of time"},
			absent: []string{"panic: test timed out"}},
		{name: "deviations", output: []string{
			"--- FAIL: TestRunnerChild/SQS-Q-001", "SQS-Q-001 passes on elasticmq, but deviations.yaml lists it",
			"--- PASS: TestRunnerChild/SQS-Q-002", "known deviation of elasticmq: does something else",
			"0 pass, 1 known deviations, 1 fail"}},
		{name: "intermittent", ok: true, output: []string{
			"--- PASS: TestRunnerChild/SQS-Q-001", "intermittent deviation of elasticmq not seen in this run: loses a race now and then",
			"--- PASS: TestRunnerChild/SQS-Q-002", "known deviation of elasticmq: loses a race now and then",
			"0 pass, 2 known deviations, 0 fail"}},
		{name: "panic", output: []string{"--- FAIL: TestRunnerChild/SQS-Q-001", "panic: boom", "--- PASS: TestRunnerChild/SQS-Q-002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := sqsmock.NewServer(t)
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestRunnerChild$", "-test.v", "-test.timeout=25s", "-test.parallel=4")
			cmd.Env = append(os.Environ(), childCase+"="+tt.name, childEndpoint+"="+srv.URL,
				"SQSHARNESS_RESULTS_DIR=", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1")
			out, err := cmd.CombinedOutput()
			if tt.ok {
				assert.NoError(t, err, "child run")
			} else {
				assert.Error(t, err, "child run")
			}
			for _, s := range tt.output {
				assert.Contains(t, string(out), s)
			}
			for _, s := range tt.absent {
				assert.NotContains(t, string(out), s)
			}
			// Every queue the child made was deleted by its cleanups.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			list, err := srv.SDKClient().ListQueues(ctx, &sqs.ListQueuesInput{})
			require.NoError(t, err)
			assert.Empty(t, list.QueueUrls, "queues left behind")
			if t.Failed() {
				t.Logf("child output:\n%s", strings.TrimSpace(string(out)))
			}
		})
	}
}
