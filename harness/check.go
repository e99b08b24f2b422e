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
// client on the backend, lets it work until every expected message has been deleted through that
// client or has reached the queue's dead-letter queue and the queue is empty (or the timeout
// passes), cancels run's context, waits for run to return, and then asserts the invariants of
// an SQS consumer, as RunConsumer does: every message delivered at least once, none left in the
// queue, FIFO order of first deliveries per group, and a dead-letter queue holding exactly the
// messages never deleted. run must return when its context is cancelled; it may return nil or
// the context's error, and any other error fails the test.
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

	dlq := h.deadLetterQueue(url)
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
		undeleted := 0
		for b := range expected {
			if !obs.deleted[b] {
				undeleted++
			}
		}
		obs.mu.Unlock()
		if dlq == "" {
			return undeleted == 0
		}
		v, nv, d = h.Count(dlq)
		return undeleted <= v+nv+d
	}

	rep := &ConsumerReport{}
	var (
		runErr   error
		returned bool
		start    = time.Now()
		waited   time.Duration // on the manual clock
	)
wait:
	for !settled() {
		if h.clock == nil && time.Since(start) >= want.Timeout || h.clock != nil && waited >= want.Timeout {
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
			h.clock.Advance(time.Second)
			waited += time.Second
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
	firstOrder, deleted := obs.firstOrder, obs.deleted
	obs.mu.Unlock()
	for b := range rep.Deliveries {
		assert.True(h.t, len(expected) == 0 || expected[b], "consumer: received %q, which the test did not send", b)
	}
	rep.DeadLettered, rep.Left = h.assertDelivered(url, want.Bodies, want.DeadLettered, rep.Deliveries, firstOrder, deleted)
	return rep
}
