package harness

import (
	"context"
	"errors"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Expect is what CheckConsumer holds a consumer's run to.
type Expect struct {
	// Bodies are the bodies sent to the queue, in send order (e.g. what SendN returns). Each must
	// be delivered at least once and end deleted or in the queue's dead-letter queue; on a FIFO
	// queue each group's first deliveries must follow this order.
	Bodies []string
	// DeadLettered, when not nil, lists the bodies that must end in the dead-letter queue, in any
	// order. Either way the dead-letter queue must hold exactly the bodies never deleted.
	DeadLettered []string
	// Timeout bounds the run: by default 15 minutes on the mock, where it is the mock's time and
	// costs nothing in a testing/synctest bubble, and 2 minutes of real time elsewhere.
	Timeout time.Duration
}

// CheckConsumer tests your own consumer, not a handler: it starts run in a goroutine with a
// client on the backend, lets it work until the queue is empty and every expected message was
// delivered and either deleted by the consumer or moved to the queue's dead-letter queue (or the
// timeout passes), cancels run's context, waits for run to return, and then asserts the
// invariants of an SQS consumer:
//
//   - every expected message was delivered at least once, and none is left in the queue;
//   - on a FIFO queue, each group's messages were first delivered in send order;
//   - nothing was lost: every message the consumer did not delete is in the dead-letter queue
//     (drained to look), and none it deleted successfully is there;
//   - the dead-letter queue holds exactly Expect.DeadLettered, when that is not nil.
//
// run must return when its context is cancelled; it may return nil or the context's error, and
// any other error fails the test. What the consumer did with each message beyond that (charged
// an order once, say) is for the test to assert on its own state.
//
// The client given to run forwards to h.Client() and watches the queue's receives and deletes;
// pass it to your consumer in place of the *sqs.Client it takes in production.
//
// Time: run inside Test on the mock and the server, the whole run (long polls, visibility
// timeouts, the consumer's own tickers, sleeps and backoff) takes the bubble's fake time, so
// minutes of work finish in milliseconds and the schedule is exact. On LocalStack, moto,
// ElasticMQ and AWS it takes real time. On the mock's manual clock (New outside a bubble) the
// harness moves the clock a second at a time whenever the consumer has made or finished no call
// for a moment of real time: give your consumer h.Clock() for its own timers, or prefer Test.
func (h *H) CheckConsumer(url string, want Expect, run func(ctx context.Context, api sqsmock.API) error) *ConsumerReport {
	h.t.Helper()
	if want.Timeout <= 0 {
		want.Timeout = 2 * time.Minute
		if h.caps.FastForward {
			want.Timeout = 15 * time.Minute
		}
	}
	obs := newObserver(h.api, url)
	ctx, cancel := context.WithCancel(h.Ctx())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, obs) }()

	dlq := h.deadLetterQueue(url) // "" if none
	expected := map[string]bool{}
	for _, b := range want.Bodies {
		expected[b] = true
	}
	settled := func() bool {
		v, nv, d := h.Count(url)
		if v+nv+d > 0 {
			return false
		}
		obs.mu.Lock()
		unacked := 0
		for b := range expected {
			if obs.deliveries[b] == 0 {
				obs.mu.Unlock()
				return false
			}
			if !obs.acked[b] {
				unacked++
			}
		}
		obs.mu.Unlock()
		if dlq == "" {
			return unacked == 0
		}
		v, nv, d = h.Count(dlq)
		return unacked <= v+nv+d
	}

	rep := &ConsumerReport{}
	var (
		runErr   error
		returned bool
		w        = h.newWaiter(want.Timeout)
	)
wait:
	for !settled() {
		if w.over() {
			rep.TimedOut = true
			break
		}
		select {
		case runErr = <-done:
			returned = true
			break wait
		default:
		}
		if h.clock == nil { // real time, or the bubble's fake time
			time.Sleep(100 * time.Millisecond)
			continue
		}
		before, _ := obs.activity()
		time.Sleep(2 * time.Millisecond) // real time for the consumer to make progress
		if after, _ := obs.activity(); after == before {
			w.advance()
		}
	}
	cancel()
	if !returned {
		select {
		case runErr = <-done:
		case <-time.After(30 * time.Second):
			h.t.Errorf("consumer: run did not return within 30s of its context being cancelled")
		}
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		h.t.Errorf("consumer: run returned an error: %v", runErr)
	}
	rep.Err = runErr
	assert.False(h.t, rep.TimedOut, "consumer: not settled within %s", want.Timeout)

	obs.mu.Lock()
	rep.Deliveries, rep.Succeeded, rep.Calls = obs.deliveries, obs.deletes, obs.calls
	firstOrder, acked, deleted := obs.firstOrder, obs.acked, obs.deleted
	obs.mu.Unlock()
	for b := range rep.Deliveries {
		assert.True(h.t, len(expected) == 0 || expected[b], "consumer: received %q, which the test did not send", b)
	}
	rep.Left = h.assertDelivered(url, want.Bodies, rep.Deliveries, firstOrder)
	rep.DeadLettered, _ = h.deadLettered(url)
	inDLQ := map[string]bool{}
	for _, b := range rep.DeadLettered {
		inDLQ[b] = true
		assert.False(h.t, deleted[b], "consumer: %q is in the dead-letter queue although the consumer deleted it", b)
	}
	for b := range rep.Deliveries {
		assert.True(h.t, acked[b] || inDLQ[b], "consumer: %q was lost: the consumer never deleted it and it is not in the dead-letter queue", b)
	}
	if want.DeadLettered != nil {
		assert.ElementsMatch(h.t, want.DeadLettered, rep.DeadLettered, "consumer: dead-letter queue")
	}
	return rep
}
