package harness

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
)

// waiting lists the waits the watch sees, as "what (d)", sorted.
func (w *clockWatch) waiting() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for cw := range w.waits {
		out = append(out, fmt.Sprintf("%s (%s)", cw.what, cw.d))
	}
	slices.Sort(out)
	return out
}

// The watch sees the timers the mock's calls wait on, named by call (a long poll, a call delayed by
// the fault plan), on the in-process mock and behind its server; a move task's timers are no
// call's, and it leaves them alone. The in-process client still takes no retry backoff on the
// watched clock.
func TestClockWatchSeesTheTimersOfCalls(t *testing.T) {
	for _, b := range []Backend{backendMock, backendServer} {
		t.Run(string(b), func(t *testing.T) {
			plan := mustPlan(t, 1,
				faults.Latency(3*time.Second, 0).Named("slow").On("SendMessage"),
				faults.Error("ServiceUnavailable").Named("busy").On("GetQueueUrl").Times(2))
			h := New(t, func(o *Options) { o.Backend = b }, func(o *Options) { o.Faults = plan })
			w := h.mock.Clock().(watchedClock).w
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			src, dlq := h.QueueWithDLQ("moved", nil, 1)
			h.SendBodies(dlq, Bodies("msg", 3))
			_, err := h.Client().StartMessageMoveTask(h.Ctx(), &sqs.StartMessageMoveTaskInput{
				SourceArn: aws.String(h.QueueARN(dlq)), DestinationArn: aws.String(h.QueueARN(src)), MaxNumberOfMessagesPerSecond: aws.Int32(1)})
			require.NoError(t, err)
			require.NoError(t, h.clock.BlockUntil(ctx, 1), "the move task waits on the clock")
			assert.Empty(t, w.waiting(), "a move task is no call")

			polled, slow := h.Queue("polled", nil), h.Queue("slow", nil)
			var wg sync.WaitGroup
			wg.Go(func() {
				_, err := h.Client().ReceiveMessage(h.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(polled), WaitTimeSeconds: 20})
				assert.NoError(t, err)
			})
			require.NoError(t, h.clock.BlockUntil(ctx, 2))
			wg.Go(func() {
				_, err := h.Client().SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(slow), MessageBody: aws.String("x")})
				assert.NoError(t, err)
			})
			require.NoError(t, h.clock.BlockUntil(ctx, 3))
			assert.Equal(t, []string{"a ReceiveMessage long poll (20s)", "a SendMessage call delayed by the fault plan (3s)"}, w.waiting())

			if b == backendMock { // retried twice at once: no backoff on the manual clock
				_, err := h.Client().GetQueueUrl(h.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("nothing")})
				assert.ErrorContains(t, err, "NonExistentQueue")
				assert.Equal(t, 2, fired(plan, "busy"))
			}

			h.Advance(20 * time.Second)
			wg.Wait()
			// The move task, a goroutine of its own, now moves the three messages at once: wait in
			// real time for it to run (the manual clock has nothing more to fire).
			require.Eventually(t, func() bool { v, _, _ := h.Count(src); return v == 3 }, 10*time.Second, time.Millisecond,
				"the move task moved the messages once the clock passed their turn")
			assert.False(t, t.Failed())
		})
	}
}

// mustPlan is faults.NewPlan for tests: an invalid rule fails the test.
func mustPlan(t testing.TB, seed uint64, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(seed, rules...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}

// fired counts the injections of the named rule.
func fired(p *faults.Plan, rule string) int {
	n := 0
	for _, in := range p.Injections() {
		if in.Rule == rule {
			n++
		}
	}
	return n
}
