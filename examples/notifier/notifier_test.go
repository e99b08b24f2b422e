package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/childtest"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// testMailer is the email provider of the tests: each email it sends is the effect the test
// declared, keyed by the address.
type testMailer struct{ sent *harness.Effect }

func (m testMailer) Send(_ context.Context, to, _ string) error {
	m.sent.Do(to)
	return nil
}

// signups are n jobs' bodies and the addresses they email.
func signups(n int) (bodies, to []string) {
	for i := range n {
		job := Job{ID: fmt.Sprintf("signup-%02d", i), To: fmt.Sprintf("user%02d@example.com", i)}
		b, _ := json.Marshal(job)
		bodies, to = append(bodies, string(b)), append(to, job.To)
	}
	return bodies, to
}

// notify is the test body: twenty sign-ups, the notifier with three workers as production
// builds it, and what must hold whatever SQS does: every message handled and deleted, nothing
// left, every welcome email sent exactly once.
func notify(stopOnError bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		q, _ := h.QueueWithDLQ("signups", map[string]string{"VisibilityTimeout": "30"}, 5)
		bodies, to := signups(20)
		h.SendBodies(q, bodies)
		sent := h.ExactlyOnce("welcome email", to...)
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			n := &Notifier{SQS: api, QueueURL: q, Mailer: testMailer{sent}, Workers: 3, StopOnError: stopOnError,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			return n.Run(ctx)
		})
	}
}

// The notifier survives whatever Explore's search of SQS's faults throws at it, on the mock; on
// LocalStack and ElasticMQ the same test replays the saved plans (testdata/explore/TestNotifier)
// through the SDK middleware, in real time.
func TestNotifier(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "localstack", "elasticmq"} {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			harness.Explore(t, notify(false), func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Corpus = "testdata/explore/TestNotifier" })
		})
	}
}

// TestNotifierStopOnError is the notifier with the errgroup habit. It passes every test that
// does not think of the right fault — and fails under Explore. It runs only when asked to, as
// TestExploreFindsTheBug's child: run it yourself with
//
//	SQSHARNESS_EXAMPLE_BUG=1 go test -run TestNotifierStopOnError ./examples/notifier
func TestNotifierStopOnError(t *testing.T) {
	if os.Getenv("SQSHARNESS_EXAMPLE_BUG") == "" {
		t.Skip("the buggy notifier fails by design: SQSHARNESS_EXAMPLE_BUG=1 runs it")
	}
	harness.Explore(t, notify(true), func(o *harness.Options) { o.Corpus = os.Getenv("SQSHARNESS_EXAMPLE_CORPUS") })
}

// Without faults the buggy notifier passes: the bug is invisible to an ordinary test.
func TestNotifierStopOnErrorWithoutFaults(t *testing.T) {
	harness.Test(t, notify(true))
}

// Explore finds the StopOnError bug, shrinks the plan to throttled receives, saves it, and says
// how to replay it: the report TestNotifierStopOnError fails with.
func TestExploreFindsTheBug(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again; skipped under -short")
	}
	dir := t.TempDir()
	out, failed := childtest.Run(t, "TestNotifierStopOnError", "SQSHARNESS_EXAMPLE_BUG=1", "SQSHARNESS_EXAMPLE_CORPUS="+dir)
	require.True(t, failed, "the buggy notifier fails:\n%s", out)
	assert.Regexp(t, `harness\.Explore: run \d+ of 100 .* failed, .* into the search\. Shrunk in \d+ runs`, out)
	// The shrunk rule fails receives: an error rule, or a throttle (which one depends on the
	// shrinking path, which can differ between runs; seen: both).
	assert.Regexp(t, `(?s)rules:\n\s+- name: \S+\n\s+kind: (error|throttle)\n\s+operations:\n\s+- ReceiveMessage\n`, out, "shrunk to failed receives")
	assert.Contains(t, out, "the consumer's run returned an error: receive: operation error SQS: ReceiveMessage, exceeded maximum number of attempts, 3")
	// Which emails are missing depends on where the shrunk plan's throttling begins (the search
	// runs goroutines in bubbles, so the shrinking path can differ between runs).
	assert.Regexp(t, `effect "welcome email" for key "user\d+@example\.com" never happened`, out)
	assert.Contains(t, out, "SQSHARNESS_EXPLORE_PLAN="+dir)
	saved, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.Len(t, saved, 1, "the plan is saved")
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

// FuzzNotifier lets go test -fuzz search the same space open-endedly:
//
//	go test -fuzz=FuzzNotifier ./examples/notifier
func FuzzNotifier(f *testing.F) {
	harness.Fuzz(f, notify(false))
}
