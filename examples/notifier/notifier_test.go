package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// testMailer records the emails sent, per address.
type testMailer struct {
	mu   sync.Mutex
	sent map[string]int
}

func (m *testMailer) Send(_ context.Context, to, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[to]++
	return nil
}

// notify is the test body: twenty sign-ups, the notifier with three workers as production
// builds it, and what must hold whatever SQS does: every message handled and deleted, nothing
// left, every welcome email sent exactly once.
func notify(stopOnError bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		q, _ := h.QueueWithDLQ("signups", map[string]string{"VisibilityTimeout": "30"}, 5, false)
		var bodies, to []string
		for i := range 20 {
			job := Job{ID: fmt.Sprintf("signup-%02d", i), To: fmt.Sprintf("user%02d@example.com", i)}
			b, _ := json.Marshal(job)
			bodies, to = append(bodies, string(b)), append(to, job.To)
		}
		h.SendBodies(q, bodies, nil)
		mail := &testMailer{sent: map[string]int{}}
		h.CheckConsumer(q, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			n := &Notifier{SQS: api, QueueURL: q, Mailer: mail, Workers: 3, StopOnError: stopOnError,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			return n.Run(ctx)
		})
		for _, addr := range to {
			assert.Equal(t, 1, mail.sent[addr], "welcome emails sent to %s", addr)
		}
	}
}

// The notifier survives whatever Explore's search of SQS's faults throws at it.
func TestNotifier(t *testing.T) {
	harness.Explore(t, notify(false))
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
	harness.Explore(t, notify(true), harness.WithCorpus(os.Getenv("SQSHARNESS_EXAMPLE_CORPUS")))
}

// Without faults the buggy notifier passes: the bug is invisible to an ordinary test.
func TestNotifierStopOnErrorWithoutFaults(t *testing.T) {
	harness.Test(t, notify(true))
}
