package harness_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

const deadlineChildEndpoint = "SQSHARNESS_DEADLINE_CHILD_ENDPOINT"

// TestDeadlineChild is a test that hangs on a real backend: run by TestTimeoutCleansUp in a child
// process whose -timeout is 12 s.
func TestDeadlineChild(t *testing.T) {
	endpoint := os.Getenv(deadlineChildEndpoint)
	if endpoint == "" {
		t.Skip("run by TestTimeoutCleansUp in a child process")
	}
	h := harness.New(t, func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = endpoint })
	url := h.Queue("hangs", nil)
	h.Advance(time.Hour)
	h.Send(url, "too late")
}

// On a real backend a test that hangs fails with its calls before `go test -timeout` stops the
// binary, and its cleanups delete its queues.
func TestTimeoutCleansUp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	srv := sqsmock.NewServer(t) // poses as a real backend: real time, no fast-forward
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestDeadlineChild$", "-test.v", "-test.timeout=12s")
	cmd.Env = append(os.Environ(), deadlineChildEndpoint+"="+srv.URL,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1")
	out, err := cmd.CombinedOutput()
	assert.Error(t, err, "the child's test fails")
	assert.Contains(t, string(out), "--- FAIL: TestDeadlineChild")
	assert.Contains(t, string(out), "context deadline exceeded")
	assert.NotContains(t, string(out), "panic: test timed out")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := srv.SDKClient().ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.QueueUrls, "queues left behind")
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}
}
